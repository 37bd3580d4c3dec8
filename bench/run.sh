#!/usr/bin/env bash
# Measures the password and refresh grants and the token check (GET /user) of a whole suite on this machine and
# prints ratios from one run: logins/s against the bcrypt bound, refresh grants/s and token checks/s against Keycloak's,
# p50/p99 latencies; the footprint (resident memory after the start and after the load, launch to ready, beside
# Keycloak's); then, on a suite that sends confirmation mails, signup to inbox (p50/p99, mails lost, where the time
# goes). Every run writes its figures to bench/results/<date>-<commit>-<n>.json and its picture to
# bench/results/latest.png.
#
#   bench/run.sh                       builds, measures Keycloak (the peer the refresh goal names) with the same
#                                      client, stops it, then starts a suite (autoconfirm on, its own ports, a fresh
#                                      database), measures it and stops it
#   bench/run.sh http://host:port      measures a suite that is already running (it must autoconfirm signups, and
#                                      allow the rates below from one address: see the settings this script passes)
#   bench/run.sh summarize [date]      median and min-max of every figure across the run files of a day (UTC; today
#                                      by default)
#
# Tuning: BENCH_LOGIN_WORKERS, BENCH_REFRESH_WORKERS, BENCH_LOGIN_SECONDS, BENCH_REFRESH_SECONDS, BENCH_USERS,
# BENCH_BCRYPT_COST (must equal the suite's TESSERA_PASSWORD_BCRYPT_COST, default 10). BENCH_KEYCLOAK=0 skips the
# peer (the refresh rate is then compared with the figure the goal quotes); BENCH_KEYCLOAK_VERSION picks its release.
# BENCH_PHASES ("grants mail" by default) picks the phases; the mail phase: BENCH_MAIL_SHARE (0.3 of the bcrypt
# bound), BENCH_MAIL_WARMUP_SECONDS (30), BENCH_MAIL_SECONDS (60). Token checks: BENCH_CHECK_WORKERS (as the
# refresh's), BENCH_CHECK_SECONDS (20). Footprint: BENCH_START_IDLE_SECONDS (30, idle after ready before the first
# memory reading), BENCH_QUIET_SECONDS (60, quiet after the load before the second), BENCH_ALONE_PORT (18480: the
# first of the ports the services started alone use, each also +1000).
set -euo pipefail
cd "$(dirname "$0")/.."
. local-suite/bin/java-home.sh
. bench/suite.sh

./mvnw -B -q package -DskipTests
classpath="bench/target/tessera-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"

if [ "${1:-}" = summarize ]; then
    exec "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.Report summarize "${2:-$(date -u +%F)}" bench/results
fi

# Each benchmark process (the peer's, the suite's, the mail phase's) writes its figures here; the last step combines
# them into the run's file in bench/results. The commit names the code measured, marked when it had local changes.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench-run.XXXXXX")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || commit="$commit-dirty"
export BENCH_RUN_DIR="$run_dir" BENCH_COMMIT="$commit"
combine() {
    "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.Report combine "$run_dir" bench/results || true
}

if [ $# -gt 0 ]; then
    status=0
    "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.GrantBenchmark "$1" || status=$?
    combine
    rm -rf "$run_dir"
    exit $status
fi

phases="${BENCH_PHASES:-grants mail}"

# The peer runs first and alone, so neither measurement shares the cores with the other's idle processes.
if [[ " $phases " == *" grants "* ]] && [ "${BENCH_KEYCLOAK:-1}" != 0 ]; then
    if peer=$(bench/keycloak.sh "$classpath"); then
        read -r peer_name peer_refresh peer_login peer_check <<<"$peer"
        export BENCH_PEER_NAME="$peer_name" BENCH_PEER_REFRESH="$peer_refresh" BENCH_PEER_LOGIN="$peer_login" \
            BENCH_PEER_CHECK="$peer_check"
    else
        echo "The Keycloak peer could not be measured (above); the refresh rate is compared with the quoted figure." >&2
    fi
fi

port=18081
db="tessera_bench_$$"
psql_url="${TESSERA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
log=$(mktemp "${TMPDIR:-/tmp}/tessera-bench.XXXXXX")
suite_pid=""
cleanup() {
    if [ -n "$suite_pid" ] && kill -0 "$suite_pid" 2>/dev/null; then
        kill "$suite_pid" 2>/dev/null || true
        wait "$suite_pid" 2>/dev/null || true
    fi
    psql "$psql_url" -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    rm -f "$log"
    rm -rf "$run_dir"
}
trap cleanup EXIT
psql "$psql_url" -q -c "create database $db"
database_url="${psql_url%/*}/$db"

# A suite of its own, on ports clear of a local ./run.sh, with the bench's rate limits (bench/suite.sh).
# $1: GOTRUE_MAILER_AUTOCONFIRM (true for the grants, whose users log in at once; false for the mail phase, whose
# signups are sent a confirmation mail). Sets started_seconds (launch to "Tessera is running", which the launcher
# prints once every service answers ready) and ready_ms (then, epoch milliseconds).
start_suite() {
    local launched
    launched=$(date +%s%N)
    launch_suite "$log" DATABASE_URL="$database_url" GOTRUE_MAILER_AUTOCONFIRM="$1" \
        TESSERA_PORT=$port TESSERA_INBOX_PORT=$inbox_port TESSERA_SMTP_PORT=13025 \
        TESSERA_KAFKA_PORT=$kafka_port TESSERA_KAFKA_CONTROLLER_PORT=19193 \
        TESSERA_AUTH_SERVICE_PORT=18182 TESSERA_USER_SERVICE_PORT=18183 TESSERA_HOOK_SERVICE_PORT=18184 \
        TESSERA_MAIL_SERVICE_PORT=18185 TESSERA_KAFKA_TOPIC_PREFIX="$topic_prefix"
    ready_ms=$(( $(date +%s%N) / 1000000 ))
    started_seconds=$(awk -v ns=$(( ready_ms * 1000000 - launched )) 'BEGIN { printf "%.2f", ns / 1e9 }')
}

stop_suite() {
    kill "$suite_pid" 2>/dev/null || true
    wait "$suite_pid" 2>/dev/null || true
    suite_pid=""
}

inbox_port=18025
kafka_port=19192
topic_prefix="bench$$."
status=0
if [[ " $phases " == *" grants "* ]]; then
    start_suite true
    # The token checks also go to user-service's own port (TESSERA_USER_SERVICE_PORT above), as Keycloak's userinfo
    # is reached with no proxy in front.
    BENCH_START_SECONDS=$started_seconds BENCH_READY_EPOCH_MS=$ready_ms BENCH_TARGET_PID=$suite_pid \
        BENCH_CHECK_DIRECT=http://127.0.0.1:18183 \
        "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.GrantBenchmark "http://localhost:$port" || status=$?
    stop_suite
fi
if [[ " $phases " == *" mail "* ]]; then
    start_suite false
    "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.MailBenchmark "http://localhost:$port" \
        "http://localhost:$inbox_port" "$database_url" "127.0.0.1:$kafka_port" "${topic_prefix}identity.mail.v1" \
        || status=$?
    stop_suite
fi
combine
exit $status
