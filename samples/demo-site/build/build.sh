#!/usr/bin/env bash
# Builds the demo site's one generated file, site/vendor/netlify-identity.js: installs this folder's locked npm
# dependencies when they are missing or the lock changed (npm ci), then bundles @netlify/identity with esbuild.
# run.sh and test.sh call it; it needs node and npm.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs
