#!/usr/bin/env bash
# Counts what a password login and a token check (GET /user) do, rather than timing them: statements to PostgreSQL
# by text, transactions and rows (pg_stat_database, pg_stat_user_tables), HTTP requests per service and Kafka
# records (each service's /q/metrics). Starts a suite of its own (the bench's settings, its own database and ports),
# signs up BENCH_USERS accounts, then measures three windows, each followed by 8 s for relays and consumers:
# idle (20 s), COUNT_LOGINS password grants from BENCH_LOGIN_WORKERS workers, COUNT_CHECKS GET /user. Prints counts
# per request (the idle window: per second, to subtract by hand).
#
#   bench/count.sh                  builds, then counts (COUNT_BUILD=0: counts what is built)
#
# Needs a PostgreSQL superuser (it sets log_statement on its database, never logging parameters) and read access to
# the server's log, whose line prefix names user@database (Debian's default): COUNT_PG_LOG (default: the newest
# /var/log/postgresql/postgresql-*.log). The server is TESSERA_TEST_DATABASE_URL's, as in run.sh. Decision: docs/decisions/2026-12-02-statements-per-request.md.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
. local-suite/bin/java-home.sh
. bench/suite.sh

logins=${COUNT_LOGINS:-200}; checks=${COUNT_CHECKS:-500}; workers=${BENCH_LOGIN_WORKERS:-8}; users=${BENCH_USERS:-16}
pg_log=${COUNT_PG_LOG:-$(ls -t /var/log/postgresql/postgresql-*.log 2>/dev/null | head -1)}
[ -r "$pg_log" ] || { echo "cannot read PostgreSQL's log ($pg_log); set COUNT_PG_LOG" >&2; exit 1; }
psql_url="${TESSERA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="tessera_count_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-count.XXXXXX")
base=http://localhost:38081
suite_pid=""
cleanup() {
    if [ -n "$suite_pid" ]; then kill "$suite_pid" 2>/dev/null || true; wait "$suite_pid" 2>/dev/null || true; fi
    psql "$psql_url" -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

[ "${COUNT_BUILD:-1}" = 0 ] || ./mvnw -B -q package -DskipTests
psql "$psql_url" -q -c "create database $db" \
    -c "alter database $db set log_statement = 'all'" -c "alter database $db set log_parameter_max_length = 0"
launch_suite "$work/suite.log" DATABASE_URL="${psql_url%/*}/$db" GOTRUE_MAILER_AUTOCONFIRM=true \
    TESSERA_RUN_DIR="$work/run" TESSERA_PORT=38081 TESSERA_INBOX_PORT=38025 TESSERA_SMTP_PORT=38026 \
    TESSERA_KAFKA_PORT=39092 TESSERA_KAFKA_CONTROLLER_PORT=39093 \
    TESSERA_AUTH_SERVICE_PORT=38182 TESSERA_USER_SERVICE_PORT=38183 TESSERA_HOOK_SERVICE_PORT=38184 \
    TESSERA_MAIL_SERVICE_PORT=38185 TESSERA_KAFKA_TOPIC_PREFIX="count$$."

for i in $(seq 1 "$users"); do
    curl -sf "$base/signup" -H 'Content-Type: application/json' \
        -d "{\"email\":\"count$i@example.com\",\"password\":\"counted password $i\"}" >/dev/null
done
login() {
    local i=$(( $1 % users + 1 ))
    curl -sf -o /dev/null "$base/token" --data-urlencode grant_type=password \
        --data-urlencode "username=count$i@example.com" --data-urlencode "password=counted password $i"
}
check() { curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/user"; }
token=$(curl -sf "$base/token" --data-urlencode grant_type=password --data-urlencode username=count1@example.com \
    --data-urlencode 'password=counted password 1' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
export -f login check; export base users token
# A first pass, so the windows count steady work rather than first-use lookups.
seq 1 40 | xargs -P "$workers" -I{} bash -c 'login {}'
seq 1 50 | xargs -P "$workers" -I{} bash -c 'check'
# Micrometer looks for a Kafka client's new metrics (the topics' counters appear with their first record) once a
# minute; PostgreSQL's backends report their counters within seconds.
sleep 65

snapshot() { # $1: file prefix
    psql "${psql_url%/*}/$db" -At -c "select 'transactions', xact_commit + xact_rollback from pg_stat_database
        where datname = current_database() union all select 'rows ' || s, n from pg_stat_database,
        lateral (values ('returned', tup_returned), ('fetched', tup_fetched), ('inserted', tup_inserted),
        ('updated', tup_updated), ('deleted', tup_deleted)) v(s, n) where datname = current_database()
        union all select schemaname || '.' || relname || ' ' || s, n from pg_stat_user_tables, lateral (values ('inserted', n_tup_ins),
        ('updated', n_tup_upd), ('updated in place (HOT)', n_tup_hot_upd), ('deleted', n_tup_del),
        ('sequential scans', seq_scan), ('index scans', coalesce(idx_scan, 0))) v(s, n)
        where schemaname <> 'pg_catalog'" -F'|' | sed 's/^/postgres /' > "$1"
    for port in 39182 39183 39184 39185; do
        curl -sf "localhost:$port/q/metrics" | grep -E '^(http_server_requests_seconds_count|kafka_producer_topic_record_send_total|kafka_consumer_fetch_manager_records_consumed_total\{[^}]*topic="[^"]*\.)' \
            | sed -E "s/^/$port /; s/ ([0-9.E]+)$/|\1/" || true
    done >> "$1"
    stat -c %s "$pg_log" > "$1.log"
}
window() { # $1: name, $2: requests (0 for the idle window), then the command
    local name=$1 requests=$2; shift 2
    snapshot "$work/$name.0"
    local t0; t0=$(date +%s.%N)
    "$@"
    sleep 8
    snapshot "$work/$name.1"
    local seconds; seconds=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    local divisor=$requests unit="per request"
    [ "$requests" -gt 0 ] || { divisor=$seconds; unit="per second"; }
    echo "== $name: $requests requests, $(printf %.1f "$seconds") s; $unit"
    echo "-- statements to PostgreSQL, by text (round trips)"
    tail -c +"$(( $(cat "$work/$name.0.log") + 1 ))" "$pg_log" | head -c "$(( $(cat "$work/$name.1.log") - $(cat "$work/$name.0.log") ))" \
        | awk -v db="@$db " 'index($0, db) && !/pg_stat_/' | sed -nE 's/.* LOG:  (execute [^:]*|statement): //p' \
        | sed -E 's/[[:space:]]+/ /g' | awk 'NF' | cut -c1-120 | sort | uniq -c | sort -rn \
        | awk -v d="$divisor" '{ n = $1; $1 = ""; total += n; printf "%8.2f %s\n", n / d, $0 } END { printf "%8.2f all\n", total / d }'
    echo "-- counters that moved"
    join -t'|' <(LC_ALL=C sort -t'|' -k1,1 "$work/$name.0") <(LC_ALL=C sort -t'|' -k1,1 "$work/$name.1") \
        | awk -F'|' -v d="$divisor" '$3 != $2 { printf "%8.2f %s\n", ($3 - $2) / d, $1 }'
}
window idle 0 sleep 20
window login "$logins" bash -c "seq 1 $logins | xargs -P $workers -I{} bash -c 'login {}'"
window check "$checks" bash -c "seq 1 $checks | xargs -P $workers -I{} bash -c check"
