#!/usr/bin/env bash
# The side-by-side benchmark on the Lucene 10 line: every data set on Java 25 with the vector
# module, with the sweeps of examples/bench-matrix.sh. Build the jar first:
#   JAVA_HOME=/path/to/jdk21+ mvn -q -DskipTests package -pl examples-lucene10 -am
# Environment: OUT (default docs/bench/lucene10), JAR, JAVA25, DATASETS, HEAP, FANOUTS, CANDIDATES.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-docs/bench/lucene10}
JAR=${JAR:-examples-lucene10/target/lucene-annoy-examples-lucene10.jar}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
DATASETS=${DATASETS:-fashion-mnist wordnet-minilm}
HEAP=${HEAP:--Xmx6g}
FANOUTS=${FANOUTS:-10,12,15,20,30,40,60,80,120,160,240,320}

for dataset in $DATASETS; do
  case $dataset in
    fashion-mnist) candidates=${CANDIDATES:-50,75,100,125,150,200,300,400,800} ;;
    wordnet-minilm) candidates=${CANDIDATES:-300,500,750,1000,1500,2000,3000,4000} ;;
    *) echo "unknown data set $dataset" >&2; exit 2 ;;
  esac
  echo "== $dataset on java25-simd"
  "$JAVA25" $HEAP --add-modules jdk.incubator.vector -jar "$JAR" --dataset "$dataset" \
    --out "$OUT/$dataset/java25-simd" --candidates "$candidates" --fanouts "$FANOUTS"
done
