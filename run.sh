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

exec "$JAVA_HOME/bin/java" -Xmx256m -XX:-UsePerfData -jar local-suite/target/local-suite.jar --root "$PWD" "$@"
