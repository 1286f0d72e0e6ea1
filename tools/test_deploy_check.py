"""
`python -m pretix check --deploy` on the production configuration (deploy/pretix.cfg.template rendered as the
image renders it). Every warning left is one pretix handles itself, listed here with the reason; any other
warning fails the run.
"""
import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"

HANDLED_BY_PRETIX = {
    # pretix replaces Django's SecurityMiddleware by its own (pretix.base.middleware.SecurityMiddleware: CSP,
    # nosniff, referrer policy); HSTS is sent by deploy/nginx.conf for requests that came over HTTPS.
    "security.W001": "pretix's own SecurityMiddleware; HSTS in deploy/nginx.conf",
    # pretix.multidomain.middlewares.CsrfViewMiddleware subclasses Django's, per domain.
    "security.W003": "pretix's multidomain CsrfViewMiddleware",
    # pretix's multidomain SessionMiddleware marks the cookie secure (and names it __Host-…) on HTTPS requests.
    "security.W010": "pretix's multidomain SessionMiddleware sets Secure per request",
}


def _render(tmp_path: Path) -> Path:
    spec = importlib.util.spec_from_file_location("prichal_render_config", DEPLOY / "render_config.py")
    render_config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_config)
    env = {
        "PRETIX_SITE_URL": "https://tickets.example.ru",
        "PRETIX_SECRET_KEY": secrets.token_urlsafe(50),
        "PRETIX_DB_PASSWORD": "production-like-password",
        "PRETIX_MAIL_FROM": "tickets@example.ru",
        "PRETIX_MAIL_HOST": "smtp.example.ru",
        "PRETIX_METRICS_PASSPHRASE": secrets.token_urlsafe(30),
    }
    path = tmp_path / "pretix.cfg"
    path.write_text(render_config.render((DEPLOY / "pretix.cfg.template").read_text(encoding="utf-8"), env))
    return path


def test_check_deploy_reports_only_what_pretix_handles_itself(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRETIX_"))}
    env.update(PRETIX_CONFIG_FILE=str(_render(tmp_path)), PRETIX_PRETIX_DATADIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "pretix", "check", "--deploy"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    found = set(re.findall(r"\((\w+\.[A-Z]\d+)\)", output))
    assert found - set(HANDLED_BY_PRETIX) == set(), output
    assert not re.search(r"^ERRORS:", output, re.M), output


def test_nginx_sends_hsts_and_security_headers_on_every_location():
    conf = re.sub(r"#[^\n]*", "", (DEPLOY / "nginx.conf").read_text(encoding="utf-8"))
    # nginx inherits add_header only into blocks without their own: every block that adds one adds all of them
    blocks = [conf.split("location", 1)[0].split("server {", 1)[1]] + [
        m.group(1) for m in re.finditer(r"location[^{]*\{([^}]*)\}", conf) if "add_header" in m.group(1)]
    for body in blocks:
        assert re.search(r"add_header Strict-Transport-Security \$prichal_hsts always;", body), body
        assert "add_header X-Content-Type-Options nosniff always;" in body, body
        assert "add_header Referrer-Policy strict-origin-when-cross-origin always;" in body, body
    # HSTS only where the client came over HTTPS (the TLS proxy in front says so), for a year with subdomains
    hsts_map = re.search(r"map \$prichal_forwarded_proto \$prichal_hsts \{([^}]*)\}", conf)
    assert hsts_map and re.search(r"https\s+\"max-age=31536000; includeSubDomains\";", hsts_map.group(1))
    assert re.search(r"default\s+\"\";", hsts_map.group(1))
