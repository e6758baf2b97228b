#!/usr/bin/env bash
# The benchmark matrix: every data set, each in three JVM configurations, the Annoy format beside
# Lucene's HNSW in each run; then one summary table (docs/bench/summary.md), worst run first.
#
#   examples/bench-matrix.sh                  # all data sets, all JVMs
#   DATASETS=fashion-mnist JVMS=java17 examples/bench-matrix.sh
#
# Needs: the examples jar (mvn -q -DskipTests package -pl examples -am), Debian's
# dataset-fashion-mnist, the wordnet-minilm set (docs/datasets.md), and Java 25 at $JAVA25.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-docs/bench}
JAR=${JAR:-examples/target/lucene-annoy-examples.jar}
JAVA17=${JAVA17:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
DATASETS=${DATASETS:-fashion-mnist wordnet-minilm}
JVMS=${JVMS:-java17 java17-vector java25-simd}
HEAP=${HEAP:--Xmx6g}
FANOUTS=${FANOUTS:-10,12,15,20,30,40,60,80,120,160,240,320}

for dataset in $DATASETS; do
  case $dataset in
    fashion-mnist) candidates=${CANDIDATES:-50,75,100,125,150,200,300,400,800} ;;
    wordnet-minilm) candidates=${CANDIDATES:-300,500,750,1000,1500,2000,3000,4000} ;;
    *) echo "unknown data set $dataset" >&2; exit 2 ;;
  esac
  for jvm in $JVMS; do
    case $jvm in
      java17) java=$JAVA17; flags=() ;;
      java17-vector) java=$JAVA17; flags=(--add-modules jdk.incubator.vector) ;;
      java25-simd) java=$JAVA25; flags=(--add-modules jdk.incubator.vector -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=25) ;;
      *) echo "unknown JVM configuration $jvm" >&2; exit 2 ;;
    esac
    echo "== $dataset on $jvm"
    "$java" $HEAP "${flags[@]}" -jar "$JAR" bench --dataset "$dataset" --out "$OUT/$dataset/$jvm" \
      --candidates "$candidates" --fanouts "$FANOUTS" --filtered --filter-queries 200 \
      --filter-candidates "${FILTER_CANDIDATES:-$candidates}" --filter-fanouts "${FILTER_FANOUTS:-10,20,40,80,160}" \
      ${EXTRA_ARGS:-}
  done
done
"$JAVA17" -jar "$JAR" bench-summary --dir "$OUT"
