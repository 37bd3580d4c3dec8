# Sourced by run.sh: tessera_build_once builds the services and the launcher (./mvnw package) unless neither the
# sources nor the built jars changed since its last build. A restart then begins at once instead of after a minute or
# more of packaging that writes the same code again, and the services' class-data archives, which belong to the
# jars' exact files, stay valid (docs/decisions/2026-12-04-class-data-archives.md).
#
# What counts as a change: the JDK, any file git tracks or would track (its content; ignored files such as target/
# and .run/ are not sources), or any file of a service's quarkus-app/ or the launcher's jar (path, size, mtime), so
# a build by anything else (./test.sh, an IDE, mvn clean) makes the next run.sh build again. Outside a git checkout,
# or with TESSERA_BUILD=always, it always builds.

tessera_sources_stamp() {
    command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 1
    {
        echo "$JAVA_HOME"
        # A tracked file deleted from the working tree is missing from the sums, which changes them too.
        git ls-files -z --cached --others --exclude-standard | xargs -0 -r sha256sum 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
}

tessera_jars_stamp() {
    local service built=(local-suite/target/local-suite.jar)
    for service in auth-service user-service hook-service mail-service; do
        [ -f "$service/target/quarkus-app/quarkus-run.jar" ] || return 1
        built+=("$service/target/quarkus-app")
    done
    [ -f local-suite/target/local-suite.jar ] || return 1
    find "${built[@]}" -type f -printf '%p %s %T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

tessera_build_once() {
    local stamp_file=.run/build-stamp sources jars
    sources=$(tessera_sources_stamp) || sources=""
    if [ "${TESSERA_BUILD:-}" != always ] && [ -n "$sources" ] && [ -f "$stamp_file" ] \
        && jars=$(tessera_jars_stamp) && [ "$(cat "$stamp_file")" = "$sources $jars" ]; then
        echo "Nothing changed since run.sh's last build: starting without one (TESSERA_BUILD=always builds anyway)."
        return 0
    fi
    rm -f "$stamp_file"
    echo "Building with $JAVA_HOME (./mvnw -B -q package -DskipTests) ..."
    ./mvnw -B -q package -DskipTests
    if [ -n "$sources" ] && jars=$(tessera_jars_stamp); then
        mkdir -p .run
        echo "$sources $jars" > "$stamp_file"
    fi
}
