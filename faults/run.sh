#!/usr/bin/env bash
# The fault suite: starts a suite of its own (own broker, database, SMTP server and ports; two replicas of
# auth-service and user-service), drives users through signup, confirmation mail, confirmation and login while the
# broker, the SMTP server, mail-service, hook-service, PostgreSQL and one replica each of auth- and user-service fail in
# turn, prints one table and exits 1 when a mail, an event or a background hook was lost. See faults/README.md.
# --no-build skips the Maven build (the jars of an earlier build are used). Needs PostgreSQL on 127.0.0.1:5432 with
# trust auth for user postgres (TESSERA_FAULTS_POSTGRES_HOST/PORT move it).
set -euo pipefail
cd "$(dirname "$0")/.."
. local-suite/bin/java-home.sh

if [ "${1:-}" = "--no-build" ]; then
    shift
else
    echo "Building the services and the launcher with $JAVA_HOME ..."
    ./mvnw -B -q package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -Xmx512m -jar local-suite/target/local-suite.jar faults --root . "$@"
