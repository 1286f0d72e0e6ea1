#!/bin/sh
# Entry point of the Prichal image: render pretix's configuration from the environment, then run one role.
#
#   web      gunicorn serving pretix.wsgi on 0.0.0.0:8000
#   worker   celery worker executing pretix's asynchronous tasks
#   beat     `python -m pretix runperiodic` every PRETIX_PERIODIC_INTERVAL seconds (default 60); pretix
#            defines no celery beat schedule, its periodic tasks are driven by this command
#   migrate  one-shot, run before web/worker/beat start: copies the image's static files into the `static`
#            volume nginx serves (mounted at /static), then runs the database migrations
#   shell    pretix's Django shell
#   anything else is executed as given (e.g. `python -m pretix createsuperuser`)
set -eu

APP_DIR="${PRICHAL_APP_DIR:-/app}"
: "${PRETIX_CONFIG_FILE:=/etc/pretix/pretix.cfg}"
export PRETIX_CONFIG_FILE

python "$APP_DIR/deploy/render_config.py" "$APP_DIR/deploy/pretix.cfg.template" "$PRETIX_CONFIG_FILE"

# Error tracking through pretix's Sentry integration, only when a DSN of the operator's own GlitchTip is given
# (pretix reads [sentry] dsn from PRETIX_SENTRY_DSN; an empty option would still switch its integration on).
if [ -n "${PRICHAL_SENTRY_DSN:-}" ]; then
    export PRETIX_SENTRY_DSN="$PRICHAL_SENTRY_DSN"
fi

if [ "$#" -eq 0 ]; then
    set -- web
fi

case "$1" in
    web)
        shift
        exec gunicorn pretix.wsgi \
            --name pretix \
            --bind 0.0.0.0:8000 \
            --workers "${PRETIX_WEB_WORKERS:-4}" \
            --timeout "${PRETIX_WEB_TIMEOUT:-60}" \
            --max-requests 1200 \
            --max-requests-jitter 50 \
            --worker-tmp-dir /dev/shm \
            --access-logfile - \
            --log-level "$(echo "${PRETIX_LOGLEVEL:-INFO}" | tr '[:upper:]' '[:lower:]')" \
            "$@"
        ;;
    worker)
        shift
        exec celery -A pretix.celery_app worker \
            --loglevel "${PRETIX_LOGLEVEL:-INFO}" \
            --concurrency "${PRETIX_WORKER_CONCURRENCY:-2}" \
            "$@"
        ;;
    beat)
        interval="${PRETIX_PERIODIC_INTERVAL:-60}"
        child=""
        # Stop promptly on `docker compose stop`: sleep and runperiodic run in the background so that the
        # trap fires at once instead of after the current sleep.
        trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi; exit 0' TERM INT
        echo "beat: running 'python -m pretix runperiodic' every ${interval}s"
        while :; do
            python -m pretix runperiodic &
            child=$!
            status=0
            wait "$child" || status=$?
            if [ "$status" -ne 0 ]; then
                echo "beat: runperiodic exited with status $status" >&2
            fi
            sleep "$interval" &
            child=$!
            wait "$child" || true
        done
        ;;
    migrate)
        # Static files and message catalogues are built into the image (`python -m pretix rebuild` in
        # deploy/Dockerfile), because rebuild writes inside the installed pretix package: run here, in a
        # one-shot container, its output would be thrown away and never reach web or worker. nginx cannot
        # read the image, so the collected files (pretix's STATIC_ROOT) are copied into the `static` volume.
        python "$APP_DIR/deploy/sync_static.py" /static
        exec python -m pretix migrate --noinput
        ;;
    shell)
        shift
        exec python -m pretix shell "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
