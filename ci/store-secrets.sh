#!/usr/bin/env bash
# Writes the values `ci/deploy.sh new-keys` generated back to the repository's Actions secrets with the GitHub CLI
# (GH_TOKEN: a token allowed to write them, e.g. a fine-grained token with "Secrets: read and write"). The names
# come from ROTATED_KEYS; each value is read from the environment and given to gh on standard input, so it is never
# on a command line or in the log.
set -euo pipefail
: "${GH_TOKEN:?set GH_TOKEN (the workflow maps ROTATION_GH_TOKEN to it)}"
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY=owner/name}"
for name in ${ROTATED_KEYS:-}; do
    if [[ -z "${!name:-}" ]]; then
        echo "$name: no new value, left as it is"
        continue
    fi
    printf '%s' "${!name}" | gh secret set "$name" --repo "$GITHUB_REPOSITORY" >/dev/null
    echo "repository secret $name updated"
done
