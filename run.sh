#!/usr/bin/env bash
# Builds everything and runs the whole suite locally behind one base URL (http://localhost:8081):
# PostgreSQL, a Kafka broker, an SMTP inbox (http://localhost:8025) and the four services.
# Ctrl-C stops all of it. Arguments go to the launcher (try --help); settings are environment
# variables, see local-suite/README.md.
set -euo pipefail
cd "$(dirname "$0")"
. local-suite/bin/java-home.sh

echo "Building with $JAVA_HOME (./mvnw -B -q package -DskipTests) ..."
./mvnw -B -q package -DskipTests

# The demo site served at / without --site: its bundled @netlify/identity, built from the npm registry.
if command -v npm >/dev/null 2>&1; then
    samples/demo-site/build/build.sh
else
    echo "npm is not installed: the demo site at / will load without its script (see samples/demo-site/README.md)."
fi

# Two glibc malloc arenas for the launcher and every JVM it starts (they inherit it): glibc's default of up to 8 per
# core is for many-threaded native code, not a JVM whose heap is its own (docs/decisions/2026-12-02-jvm-footprint.md).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec "$JAVA_HOME/bin/java" -Xmx256m -XX:-UsePerfData -XX:TrimNativeHeapInterval=10000 -jar local-suite/target/local-suite.jar --root "$PWD" "$@"
