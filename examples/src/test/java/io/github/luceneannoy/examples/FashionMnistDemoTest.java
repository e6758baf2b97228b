package io.github.luceneannoy.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The demo end to end on a small generated data set shaped like Fashion-MNIST. */
public class FashionMnistDemoTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  @Test
  public void demoFindsFootwearOnlyAndMeasuresRecall() throws Exception {
    Path data = temp.newFolder("data").toPath();
    IdxFiles.writeDataset(data, 1500, 20, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    FashionMnistDemo.Result result =
        new FashionMnistDemo(new FashionMnistDemo.Options(data, 1500, 20, 10, 320), out, null)
            .run(temp.getRoot().toPath().resolve("index"));
    String report = bytes.toString(StandardCharsets.UTF_8);

    assertEquals(1500, result.indexed());
    assertEquals(20, result.queries());
    // small segments are searched nearly exhaustively at these budgets
    assertTrue(report, result.filteredRecall() >= 0.9);
    assertTrue(report, result.filteredRecallLargerBudget() >= result.filteredRecall() - 0.05);
    assertTrue(report, result.unfilteredRecall() >= 0.9);
    // every hit shown for the filtered search is a sneaker or a sandal
    String filteredSection =
        report.substring(report.indexOf("sneakers or sandals"), report.indexOf("recall@10"));
    long shown = filteredSection.lines().filter(l -> l.matches("\\s+\\d\\. train-.*")).count();
    long footwear =
        filteredSection.lines().filter(l -> l.matches("\\s+\\d\\. train-\\d+\\s+(Sneaker|Sandal)\\s.*")).count();
    assertEquals(report, 5, shown);
    assertEquals(report, shown, footwear);
    String reranked = report.substring(report.indexOf("re-ranked by similarity"));
    assertEquals(report, 5, reranked.lines().filter(l -> l.matches("\\s+\\d\\. train-\\d+\\s+Ankle boot\\s.*")).count());
  }
}
