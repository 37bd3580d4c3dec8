#!/usr/bin/env bash
# Builds everything (unless nothing changed since its last build) and runs the whole suite locally behind one base
# URL (http://localhost:8081): PostgreSQL, a Kafka broker, an SMTP inbox (http://localhost:8025) and the four services.
# Ctrl-C stops all of it. Arguments go to the launcher (try --help); settings are environment
# variables, see local-suite/README.md.
set -euo pipefail
cd "$(dirname "$0")"
. local-suite/bin/java-home.sh
. local-suite/bin/launcher-options.sh
. local-suite/bin/build-once.sh

tessera_build_once

# The demo site served at / without --site: its bundled @netlify/identity, built from the npm registry.
if command -v npm >/dev/null 2>&1; then
    samples/demo-site/build/build.sh
else
    echo "npm is not installed: the demo site at / will load without its script (see samples/demo-site/README.md)."
fi

exec "$JAVA_HOME/bin/java" "${tessera_launcher_java_options[@]}" -jar local-suite/target/local-suite.jar --root "$PWD" "$@"
