#!/usr/bin/env bash
# Runs every module's tests, the end-to-end test of local-suite included, against ONE real Kafka
# broker (KRaft, from the Apache Kafka jars) started for the whole run and stopped at the end.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth (or TESSERA_TEST_DATABASE_URL).
# Then the Node conformance suite with the real GoTrue clients, the demo site's browser tests among them. Extra
# arguments go to Maven, e.g.
# ./test.sh -pl user-service (TESSERA_SKIP_CONFORMANCE=true skips the Node part, TESSERA_SKIP_FAULTS=true the fault
# suite). Exits non-zero if anything failed.
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

# The conformance suite: the real, unmodified GoTrue clients (gotrue-js, @netlify/identity) under Node, against
# suites started by the launcher (one per server configuration), reusing this run's broker. It needs the jars
# the Maven run just built, so it runs only after a full (argument-less) run that passed.
# Its browser configuration drives the demo site (built here from the npm registry) in Debian's chromium, installed
# when it is missing and this script may (root with apt-get); a downloaded browser is never used.
if [ "$status" -eq 0 ] && [ "$#" -eq 0 ] && [ "${TESSERA_SKIP_CONFORMANCE:-}" != "true" ]; then
    if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser tests ..."
        { apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; } >/dev/null \
            || echo "Could not install chromium: the browser tests will fail." >&2
    fi
    samples/demo-site/build/build.sh || status=$?
    echo "Running the conformance suite (conformance/run.mjs) ..."
    (cd conformance && npm ci --no-audit --no-fund --loglevel=error && node run.mjs) || status=$?
fi

# The fault suite (faults/README.md): its own suite with two replicas of auth- and user-service, 1,000 users through
# signup, mail, confirmation and login while the broker, SMTP, mail-service, hook-service, PostgreSQL and a replica
# each fail in turn. About 5 minutes on a quiet 2-core machine. It fails only when a mail, an event or a background
# hook was lost; its recovery times are printed, not asserted. Last, because it needs the machine and PostgreSQL's
# connections to itself.
if [ "$status" -eq 0 ] && [ "$#" -eq 0 ] && [ "${TESSERA_SKIP_FAULTS:-}" != "true" ]; then
    echo "Running the fault suite (faults/run.sh) ..."
    faults/run.sh --no-build || status=$?
fi

exit "$status"
