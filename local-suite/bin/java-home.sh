# Sourced by run.sh and test.sh: picks a JDK 17 or newer, exports JAVA_HOME and puts its bin first on PATH.
# Order: $JAVA_HOME if it is a JDK >= 17; /usr/lib/jvm/java-17-openjdk-amd64; the lowest JDK >= 17 under
# /usr/lib/jvm; the java on PATH. A JDK is needed (javac), not only a runtime.

tessera_java_major() {
    # Prints the feature version of the JDK at $1 (17, 21, 25...), or nothing when it is not a JDK.
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/^ *java\.specification\.version =/ { sub(/^1\./, "", $2); print $2; exit }'
}

tessera_suitable_jdk() {
    local major
    major=$(tessera_java_major "$1") || return 1
    [ -n "$major" ] && [ "$major" -ge 17 ] 2>/dev/null
}

tessera_lowest_jdk() {
    # Prints the JDK under /usr/lib/jvm (links skipped) with the lowest feature version of at least $1, or fails.
    local best="" best_major=999 dir major
    for dir in /usr/lib/jvm/*/; do
        dir=${dir%/}
        [ -L "$dir" ] && continue
        major=$(tessera_java_major "$dir") || continue
        [ -n "$major" ] && [ "$major" -ge "$1" ] 2>/dev/null && [ "$major" -lt "$best_major" ] || continue
        best=$dir; best_major=$major
    done
    [ -n "$best" ] && echo "$best"
}

tessera_find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && tessera_suitable_jdk "$JAVA_HOME"; then
        echo "$JAVA_HOME"; return 0
    fi
    if tessera_suitable_jdk /usr/lib/jvm/java-17-openjdk-amd64; then
        echo /usr/lib/jvm/java-17-openjdk-amd64; return 0
    fi
    tessera_lowest_jdk 17 && return 0
    local on_path
    on_path=$(command -v javac 2>/dev/null) || return 1
    on_path=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    tessera_suitable_jdk "$on_path" && echo "$on_path"
}

if ! TESSERA_JDK=$(tessera_find_jdk); then
    echo "No JDK 17 or newer found (looked at JAVA_HOME, /usr/lib/jvm and PATH). Install one, e.g." >&2
    echo "  apt-get install openjdk-17-jdk-headless" >&2
    return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$TESSERA_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
unset TESSERA_JDK
