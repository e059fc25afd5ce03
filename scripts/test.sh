#!/usr/bin/env bash
# Runs every SealQ test: the Swift unit tests, then the end-to-end suite that starts the real
# daemon on free loopback ports and drives it with boto3, the aws CLI and signed Query requests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh --with-test-clients

echo "== swift build (debug, with tests)"
swift build --build-tests
echo "== swift unit tests"
swift test --skip-build
echo "== end-to-end tests"
SEALQ_BIN="$PWD/.build/debug/sealq" python3 -m pytest -q -p no:cacheprovider Tests/e2e
