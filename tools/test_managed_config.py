"""deploy/pretix.cfg.template wired to Yandex's managed services (infra/modules/compute/cloud-init.yaml.tftpl sets these
variables): pretix itself reads TLS to PostgreSQL on the pooler port, no server-side cursors in transaction pooling,
Redis over TLS with its CA, and the Celery broker on rediss://."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOUD_INIT = ROOT / "infra" / "modules" / "compute" / "cloud-init.yaml.tftpl"


def managed_environment() -> dict:
    """The public variables the instances get (cloud-init's public.env), with sample hosts and the secrets."""
    env = {}
    text = CLOUD_INIT.read_text().split("path: /etc/prichal/public.env", 1)[1].split("- path:", 1)[0]
    for line in text.splitlines():
        line = line.strip()
        if "=" in line and line.startswith("PRETIX_"):
            key, value = line.split("=", 1)
            env[key] = value.replace("${db_host}", "c-abc.rw.mdb.yandexcloud.net").replace(
                "${redis_host}", "c-def.rw.mdb.yandexcloud.net").replace("${site_url}", "https://tickets.example.ru")
    # from Lockbox; the start script puts the Redis password into Celery's URLs
    assert "PRETIX_CELERY_$${n#*:}_URL=rediss://:$REDIS_PASSWORD@${redis_host}:6380/" in CLOUD_INIT.read_text()
    env.update({"PRETIX_SECRET_KEY": "x" * 50, "PRETIX_DB_PASSWORD": "pw", "PRETIX_MAIL_FROM": "t@example.ru",
                "PRETIX_MAIL_HOST": "smtp.example.ru", "PRETIX_REDIS_PASSWORD": "redis-pw",
                "PRETIX_METRICS_PASSPHRASE": "m" * 32,
                "PRETIX_CELERY_BROKER_URL": "rediss://:redis-pw@c-def.rw.mdb.yandexcloud.net:6380/1?ssl_cert_reqs=required"
                                            "&ssl_ca_certs=/etc/ssl/yandex/root.crt"})
    return env


def test_pretix_reads_tls_pooling_and_redis_tls_from_the_managed_environment(tmp_path):
    spec = importlib.util.spec_from_file_location("prichal_render_config", ROOT / "deploy" / "render_config.py")
    render_config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_config)
    env = managed_environment()
    assert env["PRETIX_DB_PORT"] == "6432" and env["PRETIX_REDIS_URL"].startswith("rediss://")
    cfg = tmp_path / "pretix.cfg"
    cfg.write_text(render_config.render((ROOT / "deploy" / "pretix.cfg.template").read_text(), env))
    (tmp_path / "data").mkdir()
    probe = ("import json; from django.conf import settings as s; d = s.DATABASES['default']; "
             "print(json.dumps({'cursors': d['DISABLE_SERVER_SIDE_CURSORS'], 'db': d['OPTIONS'], 'port': d['PORT'], "
             "'redis': s.CACHES['redis']['OPTIONS'].get('CONNECTION_POOL_KWARGS'), 'broker': s.CELERY_BROKER_URL, "
             "'password': s.CACHES['redis']['OPTIONS'].get('PASSWORD')}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRETIX_", "DJANGO_"))}
    clean.update({"PRETIX_REDIS_PASSWORD": env["PRETIX_REDIS_PASSWORD"], "PRETIX_CONFIG_FILE": str(cfg),
                  "DJANGO_SETTINGS_MODULE": "pretix.settings",
                  "PRETIX_PRETIX_DATADIR": str(tmp_path / "data")})
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + probe], capture_output=True,
                         text=True, env=clean, check=True, timeout=120)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["cursors"] is True and got["port"] == "6432"
    assert got["db"] == {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/yandex/root.crt"}
    assert got["redis"] == {"ssl_cert_reqs": "required", "ssl_ca_certs": "/etc/ssl/yandex/root.crt"}
    assert got["broker"].startswith("rediss://:redis-pw@c-def.rw.mdb.yandexcloud.net:6380/1?ssl_cert_reqs=required")
    assert got["password"] == env["PRETIX_REDIS_PASSWORD"]
