#!/usr/bin/env bash
# Runs every module's tests, the end-to-end test of local-suite included, against ONE real Kafka
# broker (KRaft, from the Apache Kafka jars) started for the whole run and stopped at the end.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth (or TESSERA_TEST_DATABASE_URL).
# Extra arguments go to Maven, e.g. ./test.sh -pl user-service. Exits with Maven's status.
set -euo pipefail
cd "$(dirname "$0")"
. local-suite/bin/java-home.sh

echo "Building the launcher with $JAVA_HOME ..."
./mvnw -B -q -pl local-suite -am package -DskipTests

broker_out=$(mktemp "${TMPDIR:-/tmp}/tessera-test-kafka.XXXXXX")
broker_pid=""
stop_broker() {
    if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
        kill "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
    fi
    rm -f "$broker_out"
}
trap stop_broker EXIT

# The broker also stops by itself if this script dies without running the trap (--exit-with).
"$JAVA_HOME/bin/java" -Xmx128m -jar local-suite/target/local-suite.jar kafka-broker --exit-with $$ \
    >"$broker_out" 2>&1 &
broker_pid=$!
bootstrap=""
for _ in $(seq 1 240); do
    bootstrap=$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$broker_out")
    [ -n "$bootstrap" ] && break
    if ! kill -0 "$broker_pid" 2>/dev/null; then
        echo "The Kafka broker did not start:" >&2; cat "$broker_out" >&2; exit 1
    fi
    sleep 0.5
done
if [ -z "$bootstrap" ]; then
    echo "The Kafka broker did not start within 120 s:" >&2; cat "$broker_out" >&2; exit 1
fi
export TESSERA_TEST_KAFKA_BOOTSTRAP="$bootstrap"
echo "Kafka broker for this run: $bootstrap"

status=0
./mvnw -B verify "$@" || status=$?

# ---------------------------------------------------------------------------------------------
# PLACE FOR THE NODE CONFORMANCE SUITE (not written yet).
# It will run the real clients (gotrue-js, @netlify/identity) under Node against the suite:
# start it with the launcher on free ports, reusing this broker
#   (KAFKA_BOOTSTRAP_SERVERS="$bootstrap" TESSERA_KAFKA_TOPIC_PREFIX=<fresh> java -jar
#    local-suite/target/local-suite.jar ...), wait for its banner, run the Node tests against
#   its base URL, read mails from the inbox's /api/messages, stop it, and fold the result in:
#   [ "$status" -eq 0 ] && { node ... || status=$?; }
# ---------------------------------------------------------------------------------------------

exit "$status"
