#!/usr/bin/env bash
# One-time bootstrap of a Prichal environment in Yandex Cloud (infra/README.md, "Bootstrap"): the Terraform state
# bucket and lock table, the service account Terraform runs as, and — after the first `terraform apply` — the
# secret values Terraform never sees (Lockbox versions, the Redis password). Idempotent where yc allows it.
#   infra/bootstrap.sh state  <folder-id>          state bucket + YDB lock table + terraform service account
#   infra/bootstrap.sh secrets <env>               Lockbox values and the Redis password, asked interactively
set -euo pipefail

case "${1:-}" in
    state)
        FOLDER="${2:?folder id}"
        yc iam service-account create --name prichal-terraform --folder-id "$FOLDER" || true
        SA=$(yc iam service-account get --name prichal-terraform --folder-id "$FOLDER" --format json |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        yc resource-manager folder add-access-binding "$FOLDER" --role admin --service-account-id "$SA"
        yc storage bucket create --name prichal-terraform-state --folder-id "$FOLDER" --default-storage-class standard || true
        yc storage bucket update --name prichal-terraform-state --versioning versioning-enabled
        yc ydb database create prichal-terraform-locks --serverless --folder-id "$FOLDER" || true
        yc iam access-key create --service-account-id "$SA" --description "terraform state (TF_STATE_ACCESS_KEY)"
        echo "Create the table prichal-terraform-locks (LockID string key) in the YDB database's document API;"
        echo "put the access key into the pipeline's protected variables TF_STATE_ACCESS_KEY / TF_STATE_SECRET_KEY."
        ;;
    secrets)
        ENVIRONMENT="${2:?env: dev, staging or prod}"
        read -rsp "SMTP password: " MAIL && echo
        read -rsp "Redis password (new, 16+ characters): " REDIS && echo
        # pretix's /metrics passphrase (monitoring/prometheus reads it from the same Lockbox secret)
        METRICS="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        yc lockbox secret add-version --name "prichal-$ENVIRONMENT-app" --payload "$(python3 -c '
import json, sys
print(json.dumps([{"key": "PRETIX_MAIL_PASSWORD", "text_value": sys.argv[1]},
                  {"key": "PRETIX_REDIS_PASSWORD", "text_value": sys.argv[2]},
                  {"key": "PRETIX_METRICS_PASSPHRASE", "text_value": sys.argv[3]}]))' "$MAIL" "$REDIS" "$METRICS")"
        yc managed-redis cluster update --name "prichal-$ENVIRONMENT-redis" --password "$REDIS"
        echo "Lockbox prichal-$ENVIRONMENT-app has a new version; restart the groups to read it (docs/runbooks/secret-rotation.md)."
        ;;
    *)
        echo "usage: infra/bootstrap.sh state <folder-id> | secrets <env>" >&2
        exit 2
        ;;
esac
