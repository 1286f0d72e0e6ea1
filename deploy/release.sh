#!/usr/bin/env bash
# Release Prichal to one environment of Yandex Cloud (infra/envs/<env>), rolling back by itself when the new
# release fails its smoke test. Run by the pipeline (.gitlab-ci.yml) or by hand:
#
#   PRICHAL_ENV=staging deploy/release.sh v2026.12.1
#
# 1. build the image (deploy/Dockerfile) and push it to Container Registry as <registry>/prichal:<version>;
# 2. run the migrations once, as a one-off container of the new image (`migrate` role, deploy/entrypoint.sh).
#    Migrations are expand/contract (docs/runbooks/release-rollback.md): the previous release keeps working on the
#    migrated database, which is what makes step 5 safe (tools/test_migration_compat.py enforces it);
# 3. roll the web and the worker instance groups to the new image: the image is the instance template's metadata
#    key `prichal-image`, which the instances' start script pulls (infra/modules/compute); the groups' deploy
#    policy replaces instances one by one, each only after the load balancer's health check passes;
# 4. smoke test: /healthcheck/ answers 200, the storefront answers 200, a back-office login succeeds;
# 5. on any failure after step 3: the previous image goes back into both groups (the database stays migrated),
#    and the script exits 1.
#
# Environment: PRICHAL_ENV (dev|staging|prod), PRICHAL_REGISTRY (cr.yandex/<registry id>), PRICHAL_SITE_URL,
# PRICHAL_SMOKE_ORGANIZER (the storefront's organizer slug), PRICHAL_SMOKE_EMAIL / PRICHAL_SMOKE_PASSWORD (a
# back-office user without permissions, from Lockbox), PRICHAL_MIGRATE_ENV_FILE (the environment of the one-off
# migrate container, rendered from Lockbox by the runner). Optional: PRICHAL_WEB_GROUP / PRICHAL_WORKER_GROUP
# (default prichal-<env>-web / -worker), PRICHAL_SMOKE_RETRIES (default 30), PRICHAL_SMOKE_DELAY (default 10 s).
set -euo pipefail

VERSION="${1:?usage: deploy/release.sh <version>}"
ENVIRONMENT="${PRICHAL_ENV:?set PRICHAL_ENV (dev, staging or prod)}"
REGISTRY="${PRICHAL_REGISTRY:?set PRICHAL_REGISTRY (cr.yandex/<registry id>)}"
SITE="${PRICHAL_SITE_URL:?set PRICHAL_SITE_URL}"
ORGANIZER="${PRICHAL_SMOKE_ORGANIZER:?set PRICHAL_SMOKE_ORGANIZER}"
ROLL_GROUPS=("${PRICHAL_WEB_GROUP:-prichal-$ENVIRONMENT-web}" "${PRICHAL_WORKER_GROUP:-prichal-$ENVIRONMENT-worker}")
RETRIES="${PRICHAL_SMOKE_RETRIES:-30}"
DELAY="${PRICHAL_SMOKE_DELAY:-10}"
IMAGE="$REGISTRY/prichal:$VERSION"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "release[$ENVIRONMENT]: $*" >&2; }

current_image() {  # the image a group runs now (its template's prichal-image metadata)
    yc compute instance-group get --name "$1" --format json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["instance_template"]["metadata"]["prichal-image"])'
}

roll() {  # roll every group to image $1 and wait until each is updated
    local group
    for group in "${ROLL_GROUPS[@]}"; do
        log "rolling $group to $1"
        yc compute instance-group add-metadata --name "$group" --metadata "prichal-image=$1"
    done
    for group in "${ROLL_GROUPS[@]}"; do
        wait_group "$group"
    done
}

wait_group() {  # until the group reports every instance running the current template (bounded)
    local i
    for ((i = 0; i < RETRIES; i++)); do
        if yc compute instance-group list-instances --name "$1" --format json | python3 -c '
import json, sys
instances = json.load(sys.stdin)
sys.exit(0 if instances and all(i.get("status") == "RUNNING_ACTUAL" for i in instances) else 1)'; then
            return 0
        fi
        sleep "$DELAY"
    done
    log "$1 did not become ready"
    return 1
}

smoke() {  # the health check, the storefront, a back-office login (CSRF token from the login page)
    local jar i
    jar="$(mktemp)"
    trap 'rm -f "$jar"' RETURN
    for ((i = 0; i < RETRIES; i++)); do
        curl -fsS -o /dev/null --max-time 10 "$SITE/healthcheck/" && break
        sleep "$DELAY"
    done
    curl -fsS -o /dev/null --max-time 10 "$SITE/healthcheck/" || { log "healthcheck failed"; return 1; }
    curl -fsS -o /dev/null --max-time 20 "$SITE/$ORGANIZER/" || { log "storefront failed"; return 1; }
    local token
    token="$(curl -fsS -c "$jar" -b "$jar" --max-time 20 "$SITE/control/login" |
        sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -n 1)"
    [ -n "$token" ] || { log "back-office login page failed"; return 1; }
    local where
    where="$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --max-time 20 \
        -H "Referer: $SITE/control/login" --data-urlencode "csrfmiddlewaretoken=$token" \
        --data-urlencode "email=${PRICHAL_SMOKE_EMAIL:?}" --data-urlencode "password=${PRICHAL_SMOKE_PASSWORD:?}" \
        "$SITE/control/login")"
    case "$where" in
        */control/login*|"") log "back-office login failed"; return 1 ;;
    esac
    log "smoke test passed"
}

PREVIOUS="$(current_image "${ROLL_GROUPS[0]}")"
log "previous image: $PREVIOUS, new image: $IMAGE"

log "building and pushing $IMAGE"
docker build -f "$ROOT/deploy/Dockerfile" -t "$IMAGE" "$ROOT"
docker push "$IMAGE"

log "running migrations (one-off)"
docker run --rm --env-file "${PRICHAL_MIGRATE_ENV_FILE:?set PRICHAL_MIGRATE_ENV_FILE}" "$IMAGE" migrate

if roll "$IMAGE" && smoke; then
    log "released $IMAGE"
    exit 0
fi

log "FAILED: rolling back to $PREVIOUS (the migrated database is compatible with it: expand/contract)"
roll "$PREVIOUS" || true
if smoke; then
    log "rolled back to $PREVIOUS"
else
    log "rollback smoke test failed too: follow docs/runbooks/release-rollback.md"
fi
exit 1
