#!/usr/bin/env bash
# Waits until an ISO-8601 time (the end of a key rotation's window), e.g. `ci/wait-until.sh 2026-12-10T00:00:00Z`.
# No argument or a past time: returns at once (a "retire" run started by hand after the window). A time further
# away than MAX_WAIT_SECONDS (default 5 h 30 min, below a GitHub job's 6 h limit) fails at once, saying when to run
# the retire stage instead.
set -euo pipefail
until_time="${1:-}"
max_wait="${MAX_WAIT_SECONDS:-19800}"
if [[ -z "$until_time" ]]; then
    echo "no end of window given: retiring the previous keys now"
    exit 0
fi
end="$(date -u -d "$until_time" +%s)"
now="$(date -u +%s)"
if (( end - now > max_wait )); then
    echo "the window ends at $until_time, later than this job may wait: run Rotate keys with stage 'retire' after it" >&2
    exit 1
fi
if (( end > now )); then
    echo "waiting $(( end - now )) s until $until_time, the end of the rotation window"
    sleep "$(( end - now + 1 ))"
fi
echo "the rotation window ended at $until_time"
