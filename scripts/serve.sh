#!/usr/bin/env bash
# Builds SealQ (release) and starts the daemon on its defaults: 127.0.0.1:9324, ./data.
# Extra arguments go to `sealq serve` (for example --port 9400).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product sealq
exec .build/release/sealq serve "$@"
