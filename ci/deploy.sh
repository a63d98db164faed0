#!/usr/bin/env bash
# Runs the Spacegate publisher the way CI does: `ci/deploy.sh [COMMAND] [extra flags]` (COMMAND defaults to
# deploy; any publisher command works: image, render, push, secrets, wait, smoke, rollback, deploy --dry-run).
#
# Where to deploy is declared in ci/space.env (committed; SPACE_ID and optionally SPACEGATE_IMAGE); the
# environment overrides it. Environment (values are never printed):
#   SPACE_ID              OWNER/NAME of the Hugging Face Space (required)
#   HF_TOKEN              Hugging Face token with write access to the Space (required)
#   SPACEGATE_IMAGE       image repository (default ghcr.io/<github owner>/<repo>, lower case)
#   REGISTRY_USERNAME / REGISTRY_PASSWORD   registry credentials (on GitHub: github.actor / GITHUB_TOKEN)
#   SPACEGATE_SECRETS     names of env vars to copy into Space secrets (default: the DEFAULT_SECRETS below; a name
#                         whose variable is unset is left as it is on the Space)
#   SPACEGATE_VARIABLES   names of env vars to copy into Space variables (default: none)
#   SPACEGATE_PUBLISHER_FLAGS  extra flags for every command, split on spaces, e.g. "--private --emoji 🚀"
set -euo pipefail
cd "$(dirname "$0")/.."

# Every secret the server reads; the key rotation's *_PREVIOUS companions are set by `rotate-keys.yml`.
DEFAULT_SECRETS="PGSTORE_DSN MANAGEMENT_PASSWORD DATA_KEY CLIENT_API_KEYS MANAGEMENT_PASSWORD_PREVIOUS DATA_KEY_PREVIOUS CLIENT_API_KEYS_PREVIOUS"

command="${1:-deploy}"
shift || true

if [[ -f ci/space.env ]]; then
    # Only the two public settings are read from the file; secrets never live in the repository.
    file_space="$(sed -n 's/^SPACE_ID=//p' ci/space.env | tail -1)"
    file_image="$(sed -n 's/^SPACEGATE_IMAGE=//p' ci/space.env | tail -1)"
    SPACE_ID="${SPACE_ID:-$file_space}"
    SPACEGATE_IMAGE="${SPACEGATE_IMAGE:-$file_image}"
fi

: "${SPACE_ID:?set SPACE_ID=OWNER/NAME of your Space in ci/space.env (or in the environment)}"
: "${HF_TOKEN:?set HF_TOKEN to a Hugging Face token with write access (a repository secret on GitHub)}"

image="${SPACEGATE_IMAGE:-}"
if [[ -z "$image" && -n "${GITHUB_REPOSITORY:-}" ]]; then
    image="ghcr.io/${GITHUB_REPOSITORY,,}"
fi
if [[ -z "$image" && ( "$command" == image || "$command" == deploy ) ]]; then
    echo "set SPACEGATE_IMAGE (e.g. ghcr.io/you/spacegate) in ci/space.env or the environment" >&2
    exit 2
fi

jar="${SPACEGATE_PUBLISHER_JAR:-space/target/spacegate-space.jar}"
if [[ ! -f "$jar" ]]; then
    ./mvnw -B -q -DskipTests -pl server,space -am package
fi

args=(--space "$SPACE_ID")
if [[ -n "$image" ]]; then
    args+=(--image "$image" --tag main)
fi
for name in ${SPACEGATE_SECRETS:-$DEFAULT_SECRETS}; do
    args+=(--secret "$name")
done
for name in ${SPACEGATE_VARIABLES:-}; do
    args+=(--variable "$name")
done
extra=()
if [[ -n "${SPACEGATE_PUBLISHER_FLAGS:-}" ]]; then
    read -r -a extra <<<"$SPACEGATE_PUBLISHER_FLAGS" # split on spaces; pass values with spaces as arguments instead
fi

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -jar "$jar" "$command" "${args[@]}" "${extra[@]}" "$@"
