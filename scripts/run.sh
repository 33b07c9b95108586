#!/usr/bin/env bash
# Installs what is missing, builds the release preset and starts the server with
# the bundled event and its demo posts. Extra arguments go to `companion serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target companion -j2

event=events/nato-indo-pacific-2024.json
exec build/release/gateway/companion serve --listen "${COMPANION_LISTEN:-127.0.0.1:8080}" --data "${COMPANION_DATA:-data}" \
  --event "$event" --replay events/nato-indo-pacific-2024.posts.ndjson \
  --replay-speed "${COMPANION_REPLAY_SPEED:-6}" "$@"
