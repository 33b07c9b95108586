#!/usr/bin/env bash
# Installs what is missing, builds the release preset and starts a rehearsal of the
# bundled event: its schedule begins a minute after the start, the demo posts arrive
# with the segments they talk about, and the autopilot moves the agenda six times
# faster than planned (COMPANION_AUTOPILOT=0: producers move it; another number: that
# pace). Extra arguments go to `companion serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target companion -j2

event=events/nato-indo-pacific-2024.json
pace="${COMPANION_AUTOPILOT:-6}"
autopilot=()
replay_speed="${COMPANION_REPLAY_SPEED:-6}"
if [ "$pace" != 0 ]; then
  autopilot=(--autopilot "$pace")
  replay_speed="${COMPANION_REPLAY_SPEED:-$pace}"  # the posts keep up with the agenda
fi
exec build/release/gateway/companion serve --listen "${COMPANION_LISTEN:-127.0.0.1:8080}" --data "${COMPANION_DATA:-data}" \
  --event "$event" --rehearsal "${autopilot[@]}" --replay events/nato-indo-pacific-2024.posts.ndjson \
  --replay-speed "$replay_speed" "$@"
