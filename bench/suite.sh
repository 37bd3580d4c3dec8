# Sourced by run.sh and count.sh: starts a local suite from this checkout's jars the way the bench measures it.
# The launcher's JVM options and MALLOC_ARENA_MAX, as run.sh sets them.
. local-suite/bin/launcher-options.sh

# launch_suite LOG VAR=value...: the launcher with the given environment plus the bench's rate limits (every grant
# comes from one address and names one of a few accounts, so the limits are raised far above the measured rates;
# they are still checked on every grant, so their cost is measured: bench/README.md), output to LOG. Waits until the
# launcher says every service answers ready; sets suite_pid. Exits, with the log, when the suite does not start.
launch_suite() {
    local log=$1
    shift
    env TESSERA_RATE_LIMIT_PASSWORD_PER_CLIENT=100000000/1h TESSERA_RATE_LIMIT_PASSWORD_PER_ACCOUNT=100000000/1h \
        GOTRUE_RATE_LIMIT_TOKEN_REFRESH=100000000/1h TESSERA_RATE_LIMIT_SIGNUP_PER_CLIENT=100000/1h \
        GOTRUE_RATE_LIMIT_EMAIL_SENT=100000/1h "$@" \
        "$JAVA_HOME/bin/java" "${tessera_launcher_java_options[@]}" -jar local-suite/target/local-suite.jar --root "$PWD" \
        >"$log" 2>&1 &
    suite_pid=$!
    for _ in $(seq 1 2400); do
        grep -q 'Tessera is running' "$log" && break
        kill -0 "$suite_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    grep -q 'Tessera is running' "$log" || { echo "the suite did not start" >&2; cat "$log" >&2; exit 1; }
}
