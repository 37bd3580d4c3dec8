#!/usr/bin/env bash
# Measures Keycloak, the peer the refresh goal is stated against, on this machine: fetches its distribution from
# Maven Central (once, into .run/keycloak), starts it in development mode with a fresh embedded database (the mode
# the goal's figure was measured in), runs GrantBenchmark --keycloak against it with the classpath given as $1, and
# stops it. The benchmark's report goes to stderr; stdout gets one line:
# "Keycloak-<version> <refresh/s> <logins/s> <userinfo checks/s>". Its time from launch to ready (its realm answering)
# and its resident memory go into the run's record (BENCH_RUN_DIR) with its rates.
# Keycloak needs a JDK 21 or newer; one is looked for under /usr/lib/jvm unless KEYCLOAK_JAVA_HOME names it.
set -euo pipefail
cd "$(dirname "$0")/.."
. local-suite/bin/java-home.sh

version="${BENCH_KEYCLOAK_VERSION:-26.7.3}"
port="${BENCH_KEYCLOAK_PORT:-18280}"
classpath="$1"

jdk="${KEYCLOAK_JAVA_HOME:-$(tessera_lowest_jdk 21 || true)}"
[ -n "$jdk" ] || { echo "Keycloak needs a JDK 21 or newer; none under /usr/lib/jvm (set KEYCLOAK_JAVA_HOME)" >&2; exit 1; }

home=".run/keycloak/keycloak-$version"
if [ ! -x "$home/bin/kc.sh" ]; then
    echo "Fetching Keycloak $version from Maven Central..." >&2
    mkdir -p .run/keycloak
    ./mvnw -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:tar.gz" \
        -DoutputDirectory=.run/keycloak >&2
    tar -xzf ".run/keycloak/keycloak-quarkus-dist-$version.tar.gz" -C .run/keycloak
    rm -f ".run/keycloak/keycloak-quarkus-dist-$version.tar.gz"
fi
rm -rf "$home/data"

log=$(mktemp "${TMPDIR:-/tmp}/tessera-keycloak.XXXXXX")
keycloak_pid=""
cleanup() {
    if [ -n "$keycloak_pid" ]; then
        kill -TERM -- "-$keycloak_pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$keycloak_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$keycloak_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

# Its own process group, so stopping it stops the JVM that kc.sh starts.
launched=$(date +%s%N)
env JAVA_HOME="$jdk" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    setsid "$home/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$port" >"$log" 2>&1 &
keycloak_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 1800); do
    curl -sf -o /dev/null "$base/realms/master" && break
    kill -0 "$keycloak_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
curl -sf -o /dev/null "$base/realms/master" || { echo "Keycloak did not start" >&2; cat "$log" >&2; exit 1; }
ready_ms=$(( $(date +%s%N) / 1000000 ))
started_seconds=$(awk -v ns=$(( ready_ms * 1000000 - launched )) 'BEGIN { printf "%.2f", ns / 1e9 }')

report=$(BENCH_START_SECONDS=$started_seconds BENCH_READY_EPOCH_MS=$ready_ms BENCH_TARGET_PID=$keycloak_pid \
    "$JAVA_HOME/bin/java" -cp "$classpath" dev.tessera.bench.GrantBenchmark --keycloak "$base" | tee /dev/stderr)
result=$(grep '^peer-result ' <<<"$report") || { echo "the peer measurement printed no result" >&2; exit 1; }
refresh=$(sed -E 's/.*refresh=([0-9.]+).*/\1/' <<<"$result")
login=$(sed -E 's/.*login=([0-9.]+).*/\1/' <<<"$result")
check=$(sed -E 's/.*check=([0-9.]+).*/\1/' <<<"$result")
echo "Keycloak-$version $refresh $login $check"
