#!/usr/bin/env bash
# Every test of both Lucene lines (what CI runs):
#  1. with the default JDK (17 or later): Lucene 9.12 - the forest, the codec, the examples, the
#     Solr and OpenSearch plugins;
#  2. with a JDK 21 or later: the Lucene 10 codec (lucene-annoy-lucene10), its peer suite and the
#     cross-line test, which reads what step 1 compiled (so step 1 comes first).
# The JDK 21+ is $JAVA21_HOME if set, else the newest one under /usr/lib/jvm. Extra arguments go to
# both Maven runs (e.g. -o, -Dtests.seed=...).
set -euo pipefail
cd "$(dirname "$0")"

mvn -B -ntp verify "$@"

feature() { # the major version of the JDK at $1, or 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1 || echo 0
}
jdk="${JAVA21_HOME:-}"
if [ -z "$jdk" ]; then
  best=0
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    version=$(feature "$candidate")
    if [ "${version:-0}" -ge 21 ] && [ "$version" -gt "$best" ]; then
      best=$version
      jdk=$candidate
    fi
  done
fi
if [ -z "$jdk" ] || [ "$(feature "$jdk")" -lt 21 ]; then
  echo "The Lucene 10 line needs a JDK 21 or later: install one, or set JAVA21_HOME to it." >&2
  exit 1
fi
echo "Lucene 10 line with $jdk"
JAVA_HOME="$jdk" mvn -B -ntp verify -pl lucene-annoy-lucene10,examples-lucene10 -am "$@"
