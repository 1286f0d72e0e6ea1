"""Consistency of the production deployment: docker-compose.yml, deploy/Dockerfile, deploy/entrypoint.sh,
deploy/pretix.cfg.template, deploy/render_config.py, deploy/nginx.conf and deploy/sync_static.py, checked
against each other and against the installed pretix's settings (read as text). Plain functions: no Django,
no database.
"""
import configparser
import importlib.util
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
PRETIX_DIR = Path(importlib.util.find_spec("pretix").submodule_search_locations[0])

PRETIX_SERVICES = ("web", "worker", "beat", "migrate")
ADDONS = ("ticketing_core", "ticketing_rentals", "ticketing_seating", "ticketing_website", "ticketing_yoomoney",
          "ticketing_helpdesk", "ticketing_accounting")
PRETIX_EVENT_PLUGINS = (
    "pretix.plugins.sendmail",
    "pretix.plugins.statistics",
    "pretix.plugins.checkinlists",
    "pretix.plugins.ticketoutputpdf",
    "pretix.plugins.manualpayment",
)
# What an operator must put in .env (the compose file refuses to start without them).
HOST_ENV = {
    "PRETIX_SITE_URL": "https://tickets.example.ru",
    "PRETIX_SECRET_KEY": "dummy-secret-with-%-and-$-signs",
    "PRETIX_DB_PASSWORD": "dummy-db-password",
    "PRETIX_MAIL_FROM": "tickets@example.ru",
    "PRETIX_MAIL_HOST": "smtp.example.ru",
    "PRETIX_METRICS_PASSPHRASE": "dummy-metrics-passphrase",
}

COMPOSE_VAR = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\})")
CONFIG_CALL = re.compile(
    r"config\.(?P<method>get|getint|getfloat|getboolean|has_option)\(\s*"
    r"(?P<q1>['\"])(?P<section>[\w-]+)(?P=q1)\s*,\s*(?P<q2>['\"])(?P<option>\w+)(?P=q2)"
)
ADDON_CONFIG_CALL = re.compile(
    r"CONFIG_FILE\.(?P<method>get|getint|getfloat|getboolean|has_option)\(\s*"
    r"(?P<q1>['\"])(?P<section>ticketing_\w+)(?P=q1)\s*,\s*(?P<q2>['\"])(?P<option>\w+)(?P=q2)"
)
HAS_SECTION_CALL = re.compile(r"config\.has_section\(\s*(['\"])(?P<section>[\w-]+)\1\s*\)")


# --- helpers -----------------------------------------------------------------------------------------------


def load_deploy_module(name: str):
    spec = importlib.util.spec_from_file_location(f"prichal_deploy_{name}", DEPLOY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_render_config():
    return load_deploy_module("render_config")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def template() -> str:
    return (DEPLOY / "pretix.cfg.template").read_text(encoding="utf-8")


def entrypoint() -> str:
    return (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def interpolate(value: str, host_env: dict[str, str]) -> str:
    """Docker Compose variable interpolation (the forms the compose file uses)."""

    def substitute(match: re.Match) -> str:
        if match.group("escaped"):
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = host_env.get(name)
        is_unset = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in (":?", "?") and is_unset:
            raise LookupError(f"{name}: {arg}")
        if op in (":-", "-") and is_unset:
            return arg
        return value or ""

    return COMPOSE_VAR.sub(substitute, value)


def compose_env(service: str) -> dict[str, str]:
    """The raw (uninterpolated) environment mapping of a service."""
    env = compose()["services"][service].get("environment") or {}
    assert isinstance(env, dict), f"{service}: use the mapping form of 'environment'"
    return {k: str(v) for k, v in env.items()}


def container_env(service: str, host_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a container of ``service`` sees, given the operator's .env."""
    host_env = HOST_ENV if host_env is None else host_env
    return {k: interpolate(v, host_env) for k, v in compose_env(service).items()}


def compose_variable_forms(raw: str) -> tuple[str | None, str | None]:
    """(operator, argument) of a compose value that is exactly one '${VAR...}' reference."""
    match = COMPOSE_VAR.fullmatch(raw)
    assert match and match.group("name"), f"expected a single variable reference, got {raw!r}"
    return match.group("op"), match.group("arg")


def pretix_reads() -> dict[tuple[str, str], set[str]]:
    """
    (section, option) -> config methods pretix's settings.py uses to read it, plus the options our addons read
    through pretix's config object (``settings.CONFIG_FILE.get("ticketing_…", …)``, e.g. the addresses of
    outside services, which are configuration and never back-office settings).
    """
    reads: dict[tuple[str, str], set[str]] = {}
    for m in CONFIG_CALL.finditer((PRETIX_DIR / "settings.py").read_text(encoding="utf-8")):
        reads.setdefault((m.group("section"), m.group("option")), set()).add(m.group("method"))
    for source in (ROOT / "addons").glob("ticketing_*/**/*.py"):
        if "tests" not in source.parts:
            for m in ADDON_CONFIG_CALL.finditer(source.read_text(encoding="utf-8")):
                reads.setdefault((m.group("section"), m.group("option")), set()).add(m.group("method"))
    return reads


def pretix_env_key(section: str, option: str) -> str:
    """The environment variable pretix itself reads for an option (pretix.helpers.config.EnvOrParserConfig)."""
    return "PRETIX_{}_{}".format(re.sub("[^A-Z0-9]", "_", section.upper()), re.sub("[^A-Z0-9]", "_", option.upper()))


def rendered_config() -> configparser.RawConfigParser:
    text = load_render_config().render(template(), container_env("web"))
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


def nginx_conf() -> str:
    """deploy/nginx.conf without comments."""
    return re.sub(r"#[^\n]*", "", (DEPLOY / "nginx.conf").read_text(encoding="utf-8"))


def nginx_locations() -> dict[str, str]:
    """'<modifier> <path>' (e.g. '/static/', '^~ /media/invoices') -> body of that location block."""
    pattern = r"location\s+(?:(?P<modifier>=|\^~|~\*?)\s+)?(?P<path>\S+)\s*\{(?P<body>[^{}]*)\}"
    return {
        " ".join(filter(None, (m.group("modifier"), m.group("path")))): m.group("body")
        for m in re.finditer(pattern, nginx_conf())
    }


def nginx_directive(body: str, name: str) -> list[str]:
    """Arguments of every ``name ...;`` directive in a block body."""
    return [m.group(1).strip() for m in re.finditer(rf"(?:^|[;{{}}\s]){name}\s+([^;]*);", body)]


def volume_mounts(service: str) -> dict[str, tuple[str, str]]:
    """container path -> (source, options) of a service's short-syntax volumes."""
    mounts = {}
    for volume in compose()["services"][service].get("volumes", []):
        source, target, *options = volume.split(":")
        mounts[target] = (source, ":".join(options))
    return mounts


def entrypoint_role(role: str) -> str:
    """The body of one ``role)`` branch of the entrypoint's case statement."""
    match = re.search(rf"^\s*{role}\)\s*$(?P<body>.*?)^\s*;;", entrypoint(), re.M | re.S)
    assert match, f"deploy/entrypoint.sh has no '{role})' branch"
    return match.group("body")


# --- docker-compose.yml ------------------------------------------------------------------------------------


def test_compose_has_the_services():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate", "nginx"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} needs a healthcheck"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])


def test_pretix_services_share_the_image_and_data_volume():
    doc = compose()
    services = doc["services"]
    images = set()
    for name in PRETIX_SERVICES:
        service = services[name]
        assert service["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}, name
        images.add(service["image"])
        data = [v for v in service["volumes"] if v.split(":")[1] == "/data"]
        assert len(data) == 1, f"{name} must mount the data volume at /data"
        assert data[0].split(":")[0] in doc["volumes"], f"{name}: the data volume must be a named volume"
        assert service["command"] == [name], f"{name} must run the '{name}' role of the entrypoint"
        entrypoint_role(name)
    assert len(images) == 1, "web, worker, beat and migrate must run the same image"
    assert len({tuple(services[n]["volumes"]) for n in ("web", "worker", "beat")}) == 1
    # migrate additionally fills the static volume for nginx; nothing else of the image writes to it.
    assert volume_mounts("migrate") == volume_mounts("web") | {"/static": ("static", "")}


def test_startup_order():
    services = compose()["services"]
    for name in PRETIX_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    assert services["migrate"]["restart"] == "no"
    migrate = entrypoint_role("migrate")
    assert "python -m pretix migrate" in migrate
    # The static files reach the volume before web starts (it waits for migrate).
    assert migrate.index("deploy/sync_static.py") < migrate.index("python -m pretix migrate")


def gunicorn_port() -> str:
    bind = re.search(r"--bind\s+(?P<host>[\d.]+):(?P<port>\d+)", entrypoint_role("web"))
    assert bind, "gunicorn must --bind an explicit address"
    # Inside the container gunicorn must listen on all interfaces: nginx reaches it over the compose network.
    assert bind.group("host") == "0.0.0.0"  # noqa: S104
    return bind.group("port")


def test_web_is_reached_only_through_nginx():
    assert "gunicorn pretix.wsgi" in entrypoint_role("web")
    port = gunicorn_port()
    service = compose()["services"]["web"]
    assert "ports" not in service, "web must not publish a port: nginx is the entry point"
    health = " ".join(service["healthcheck"]["test"])
    assert f"localhost:{port}/healthcheck/" in health
    assert re.search(r"\^healthcheck/\$", (PRETIX_DIR / "urls.py").read_text(encoding="utf-8"))

    # nginx proxies everything that is not a file to the web service, on gunicorn's port.
    conf = nginx_conf()
    upstream = re.search(r"set\s+\$(?P<var>\w+)\s+http://(?P<host>[\w.-]+):(?P<port>\d+)\s*;", conf)
    assert upstream, "nginx.conf must set the web upstream in a variable (resolved per request)"
    assert (upstream.group("host"), upstream.group("port")) == ("web", port)
    root = nginx_locations()["/"]
    assert nginx_directive(root, "proxy_pass") == [f"${upstream.group('var')}"]
    assert nginx_directive(conf, "resolver")[0].split()[0] == "127.0.0.11", "Docker's DNS, to find web again"
    headers = dict(h.split(None, 1) for h in nginx_directive(root, "proxy_set_header"))
    assert headers["Host"] == "$http_host"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Host"] == "$http_host"
    # The TLS proxy's X-Forwarded-Proto is passed on (nginx itself only ever sees http).
    proto = re.fullmatch(r"\$(\w+)", headers["X-Forwarded-Proto"])
    assert proto and re.search(
        rf"map\s+\$http_x_forwarded_proto\s+\${proto.group(1)}\s*\{{\s*default\s+\$http_x_forwarded_proto;", conf
    )


def test_nginx_is_the_published_entry_point():
    services = compose()["services"]
    nginx = services["nginx"]
    assert nginx["image"] == "nginx:1.27-alpine"
    assert nginx["depends_on"]["web"]
    assert nginx["healthcheck"]["test"]
    listen = nginx_directive(nginx_conf(), "listen")
    assert len(listen) == 1
    listen_port = listen[0].split()[0].rsplit(":", 1)[-1]
    published = [interpolate(p, {}) for p in nginx["ports"]]
    assert published == [f"127.0.0.1:8000:{listen_port}"], "published on the loopback interface by default"
    assert [interpolate(p, {"PRETIX_HTTP_BIND": "0.0.0.0"}) for p in nginx["ports"]] == [  # noqa: S104
        f"0.0.0.0:8000:{listen_port}"  # noqa: S104
    ]
    # The configuration is this file, read-only, inside the image's http block.
    assert volume_mounts("nginx")["/etc/nginx/conf.d/default.conf"] == ("./deploy/nginx.conf", "ro")
    assert "server {" in nginx_conf() and "http {" not in nginx_conf()
    # Only nginx is reachable from the host (and, in the optional monitoring profile, Grafana on the loopback).
    assert [name for name, service in services.items() if "ports" in service and not service.get("profiles")] == [
        "nginx"]
    for name, service in services.items():
        if "ports" in service and service.get("profiles"):
            assert all(interpolate(p, {}).startswith("127.0.0.1:") for p in service["ports"]), name


def test_nginx_serves_static_and_media_where_compose_mounts_them():
    locations = nginx_locations()
    mounts = volume_mounts("nginx")
    doc = compose()

    static_alias = nginx_directive(locations["/static/"], "alias")
    assert static_alias == ["/static/"]
    assert mounts["/static"] == ("static", "ro")
    assert "static" in doc["volumes"]
    assert volume_mounts("migrate")["/static"] == ("static", ""), "migrate fills the static volume"
    assert nginx_directive(locations["/static/"], "expires") == ["365d"]
    for internal in ("staticfiles.json", "CACHE/manifest.json", ".prichal-static-files"):
        assert nginx_directive(locations[f"= /static/{internal}"], "return") == ["404"], internal

    # /media/ is pretix's MEDIA_ROOT = <datadir>/media, datadir being where the data volume is mounted.
    datadir = rendered_config().get("pretix", "datadir")
    assert "MEDIA_ROOT = os.path.join(DATA_DIR, 'media')" in (PRETIX_DIR / "settings.py").read_text(encoding="utf-8")
    assert nginx_directive(locations["/media/"], "alias") == [f"{datadir}/media/"]
    assert mounts[datadir] == (volume_mounts("web")["/data"][0], "ro")
    # What pretix serves itself, after a permission check (pretix's recommended nginx configuration).
    for protected in ("cachedfiles", "invoices"):
        body = locations[f"^~ /media/{protected}"]
        assert nginx_directive(body, "deny") == ["all"] and nginx_directive(body, "return") == ["404"], protected


def test_nginx_limits_and_compression():
    conf = nginx_conf()
    assert nginx_directive(conf, "client_max_body_size") == ["12m"]
    assert nginx_directive(conf, "gzip") == ["on"]
    types = " ".join(nginx_directive(conf, "gzip_types")).split()
    assert {"text/css", "application/javascript", "application/json", "image/svg+xml"} <= set(types)
    assert nginx_directive(conf, "server_tokens") == ["off"]


def test_nginx_accepts_the_configuration(tmp_path):
    """``nginx -t`` with deploy/nginx.conf inside a minimal http block, as in the nginx image."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    mime_types = next((p for p in ("/etc/nginx/mime.types",) if os.path.exists(p)), None)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        + (f"    include {mime_types};\n" if mime_types else "")
        + f"    access_log {tmp_path}/access.log;\n"
        + "".join(f"    {name}_temp_path {tmp_path}/{name};\n" for name in ("proxy", "fastcgi", "uwsgi", "scgi"))
        + f"    client_body_temp_path {tmp_path}/body;\n"
        + f"    include {DEPLOY / 'nginx.conf'};\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_worker_and_periodic_tasks():
    assert "celery -A pretix.celery_app worker" in entrypoint_role("worker")
    assert "python -m pretix runperiodic" in entrypoint_role("beat")
    assert re.search(r"sleep\s+\"\$interval\"", entrypoint_role("beat"))
    # The loop exists because pretix has no celery beat schedule; if it gets one, switch to celery beat.
    pretix_sources = (PRETIX_DIR / "settings.py").read_text(encoding="utf-8") + (
        PRETIX_DIR / "celery_app.py"
    ).read_text(encoding="utf-8")
    assert "beat_schedule" not in pretix_sources.lower()
    assert (PRETIX_DIR / "base" / "management" / "commands" / "runperiodic.py").exists()


# --- environment <-> template ------------------------------------------------------------------------------


@pytest.mark.parametrize("service", PRETIX_SERVICES)
def test_every_template_variable_is_provided(service):
    env = compose_env(service)
    for name, default in load_render_config().variables(template()).items():
        if name not in env:
            assert default is not None, f"{service} does not set {name}, which the template requires"
            continue
        op, arg = compose_variable_forms(env[name])
        if default is None:
            # Required by the template: compose must refuse to start without it or supply a non-empty default.
            assert op == ":?" or (op == ":-" and arg), f"{name}: compose may pass an empty value"
        else:
            assert op == ":-", f"{name}: optional in the template, so compose should default it"
            assert arg == default, f"{name}: default {arg!r} in compose but {default!r} in the template"


@pytest.mark.parametrize("service", PRETIX_SERVICES)
def test_every_compose_variable_is_used(service):
    """A misspelt name in the compose file would silently fall back to the template's default."""
    used = set(load_render_config().variables(template()))
    used |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", entrypoint()))
    unused = set(compose_env(service)) - used
    assert not unused, f"{service} sets variables nothing reads: {sorted(unused)}"


def test_required_variables_are_required_by_compose():
    required = {n for n, d in load_render_config().variables(template()).items() if d is None}
    assert required == set(HOST_ENV)
    for missing in HOST_ENV:
        env = {k: v for k, v in HOST_ENV.items() if k != missing}
        with pytest.raises(LookupError, match=missing):
            container_env("web", env)


def test_rendered_config_only_sets_what_pretix_reads():
    reads = pretix_reads()
    # Guard against a silently empty parse if pretix's settings.py changes shape.
    assert len(reads) > 80 and ("database", "backend") in reads and ("celery", "broker") in reads
    booleans = configparser.RawConfigParser.BOOLEAN_STATES

    config = rendered_config()
    for section in config.sections():
        for option, value in config.items(section):
            methods = reads.get((section, option))
            assert methods, f"pretix does not read [{section}] {option}"
            if "getboolean" in methods:
                assert value.lower() in booleans, f"[{section}] {option}={value!r} is not a boolean"
            if "getint" in methods:
                int(value)
    # The options that make this a production configuration.
    for section, option in [
        ("pretix", "url"), ("pretix", "datadir"), ("database", "password"), ("redis", "location"),
        ("celery", "broker"), ("celery", "backend"), ("mail", "host"), ("django", "secret"),
    ]:
        assert config.get(section, option), f"[{section}] {option} must be set"
    assert config.getboolean("django", "debug") is False
    assert config.getboolean("redis", "sessions") is True
    assert config.getboolean("pretix", "ecb_rates") is False
    # The development pretix.cfg allows HTTP to 127.0.0.1 for the YooKassa emulator; production never does
    # (pretix's guard against requests to private addresses stays on).
    assert not config.has_option("pretix", "allow_http_to_private_networks")
    assert config.getboolean("pretix", "trust_x_forwarded_for")
    assert config.getboolean("pretix", "trust_x_forwarded_proto")
    assert not (config.getboolean("mail", "tls") and config.getboolean("mail", "ssl"))
    assert config.get("pretix", "currency") == "RUB"
    assert config.get("pretix", "datadir") == "/data"
    assert (config.get("locale", "default"), config.get("locale", "timezone")) == ("ru", "Europe/Moscow")
    assert config.get("languages", "enabled").split(",") == ["ru", "en", "zh-hans"]
    assert config.get("django", "secret") == HOST_ENV["PRETIX_SECRET_KEY"]
    # The secret keys of YooKassa and SMS.ru go only to the real services unless the operator says otherwise.
    assert ("ticketing_yoomoney", "api_url") in reads and ("ticketing_sms", "api_url") in reads
    assert config.get("ticketing_yoomoney", "api_url") == "https://api.yookassa.ru/v3"
    assert config.get("ticketing_sms", "api_url") == "https://sms.ru"
    # pretix's /metrics is on, behind a passphrase from the environment (nginx limits it to the monitoring network).
    assert config.getboolean("metrics", "enabled")
    assert config.get("metrics", "passphrase") == HOST_ENV["PRETIX_METRICS_PASSPHRASE"]


def test_compose_environment_does_not_override_pretix_options_behind_the_template():
    """pretix reads PRETIX_<SECTION>_<OPTION> variables before its config file; such a name in the
    container environment must carry exactly the value the template puts into that option."""
    reads = pretix_reads()
    by_env_key = {pretix_env_key(section, option): (section, option) for section, option in reads}
    raw = configparser.RawConfigParser()
    raw.read_string(template())
    placeholders = {(s, o): v for s in raw.sections() for o, v in raw.items(s)}
    sections_checked = {
        m.group("section") for m in HAS_SECTION_CALL.finditer((PRETIX_DIR / "settings.py").read_text(encoding="utf-8"))
    }
    for service in PRETIX_SERVICES:
        for name in compose_env(service):
            if name in by_env_key:
                section, option = by_env_key[name]
                assert COMPOSE_VAR.fullmatch(placeholders.get((section, option), "")), (
                    f"{service}: {name} overrides pretix's [{section}] {option}, which the template does not "
                    f"take from a variable"
                )
                assert COMPOSE_VAR.fullmatch(placeholders[(section, option)]).group("name") == name
            for section in sections_checked:
                assert not name.startswith(pretix_env_key(section, "")), (
                    f"{service}: {name} makes pretix believe a [{section}] section is configured"
                )


# --- database, plugins, languages --------------------------------------------------------------------------


def test_database_is_postgresql_in_the_compose_postgres():
    config = rendered_config()
    assert config.get("database", "backend") == "postgresql"
    postgres = compose()["services"]["postgres"]["environment"]
    env = container_env("web")
    assert config.get("database", "host") == "postgres"
    assert config.get("database", "port") == "5432"
    assert interpolate(postgres["POSTGRES_DB"], HOST_ENV) == config.get("database", "name") == env["PRETIX_DB_NAME"]
    assert interpolate(postgres["POSTGRES_USER"], HOST_ENV) == config.get("database", "user")
    assert interpolate(postgres["POSTGRES_PASSWORD"], HOST_ENV) == config.get("database", "password")


def test_plugins_exist():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = set(pyproject["project"]["entry-points"]["pretix.plugin"])
    assert entry_points == set(ADDONS)

    config = rendered_config()
    event_default = config.get("pretix", "plugins_default").split(",")
    organizer_default = config.get("pretix", "plugins_organizer_default").split(",")
    for plugin in event_default + organizer_default:
        if plugin.startswith("pretix.plugins."):
            assert (PRETIX_DIR / "plugins" / plugin.rsplit(".", 1)[1] / "apps.py").exists(), plugin
        else:
            assert plugin in entry_points, f"{plugin} is not an entry point in pyproject.toml"
    assert set(PRETIX_EVENT_PLUGINS) <= set(event_default)
    assert set(organizer_default) == set(ADDONS)
    # Every addon with an event level is enabled for new events; the organizer-level helpdesk is not.
    for addon in ADDONS:
        level = re.search(r"level\s*=\s*(PLUGIN_LEVEL_\w+)", (ROOT / "addons" / addon / "apps.py").read_text())
        assert level, f"{addon}: no PretixPluginMeta.level"
        assert (addon in event_default) == (level.group(1) != "PLUGIN_LEVEL_ORGANIZER"), addon


def test_languages_path_is_the_i18n_directory_of_the_image():
    assert rendered_config().get("languages", "path") == "/app/i18n"
    assert re.search(r"^WORKDIR /app$", dockerfile(), re.M)
    assert re.search(r"^COPY \. /app$", dockerfile(), re.M)
    # git does not keep an empty i18n/, so the image creates it in any case.
    assert "mkdir -p /app/i18n" in dockerfile()


# --- Dockerfile and entrypoint -----------------------------------------------------------------------------


def test_dockerfile():
    text = dockerfile()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "gettext" in text
    requirements = text.index("pip install -r requirements.txt")
    project = text.index("pip install --no-deps .")
    assert requirements < project < text.index("python -m pretix rebuild")
    assert re.search(r"PRETIX_CONFIG_FILE=/etc/pretix/pretix\.cfg", text)
    user = re.findall(r"^USER (\S+)$", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["/app/deploy/entrypoint\.sh"\]$', text, re.M)
    assert (DEPLOY / "Dockerfile.dockerignore").exists(), "keeps .venv and var/ out of the build context"
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(ignored)


def test_requirements_pin_the_direct_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    def normalize(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            pins[normalize(match.group(1))] = match.group(2)
    for dependency in pyproject["project"]["dependencies"]:
        name, version = dependency.split("==")
        assert pins.get(normalize(name)) == version, f"requirements.txt does not pin {dependency}"


def test_entrypoint_renders_the_config_before_running_a_role():
    text = entrypoint()
    assert text.startswith("#!/bin/sh")
    render = text.index("deploy/render_config.py")
    assert render < text.index('case "$1" in')
    assert re.search(r"^set -eu$", text, re.M), "a failed render must stop the container"
    assert "pretix.cfg.template" in text
    assert "python -m pretix shell" in entrypoint_role("shell")


# --- static files for nginx --------------------------------------------------------------------------------


def test_migrate_syncs_pretix_static_root_into_the_static_volume():
    sync_static = load_deploy_module("sync_static")
    # The script's idea of STATIC_ROOT is pretix's: <package>/static.dist, filled by `pretix rebuild`.
    base_settings = (PRETIX_DIR / "_base_settings.py").read_text(encoding="utf-8")
    assert "STATIC_ROOT = os.path.join(os.path.dirname(__file__), 'static.dist')" in base_settings
    assert "ManifestStaticFilesStorage" in base_settings  # writes the staticfiles.json the script requires
    assert sync_static.pretix_static_root() == PRETIX_DIR / "static.dist"
    assert sync_static.MANIFEST == "staticfiles.json"

    # It writes to where migrate mounts the static volume, which the image owns for the runtime user.
    call = re.search(r'python "\$APP_DIR/deploy/sync_static\.py" (?P<target>\S+)\n', entrypoint_role("migrate"))
    assert call and call.group("target") == "/static"
    assert volume_mounts("migrate")[call.group("target")][0] == "static"
    chown = re.search(r"chown pretix:pretix ([^\\\n&]+)", dockerfile())
    assert chown and "/static" in chown.group(1).split()
    assert re.search(r"mkdir -p [^\n]*/static\b", dockerfile())


def make_build(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_sync_static_copies_keeps_one_previous_release_and_prunes(tmp_path):
    sync_static = load_deploy_module("sync_static")
    target = tmp_path / "volume"
    target.mkdir()
    release1 = make_build(tmp_path / "r1", {
        "staticfiles.json": "1", "app.css": "a1", "app.1111.css": "a1", "CACHE/css/x.aaaa.css": "x",
    })
    assert sync_static.sync(release1, target) == (4, 0)
    assert (target / "app.1111.css").read_text() == "a1"
    assert (target / "CACHE/css/x.aaaa.css").stat().st_mode & 0o777 == 0o644
    assert sync_static.sync(release1, target) == (0, 0), "unchanged files are not rewritten"

    release2 = make_build(tmp_path / "r2", {"staticfiles.json": "2", "app.css": "a2", "app.2222.css": "a2"})
    assert sync_static.sync(release2, target) == (3, 0)
    # Release 1's files stay for the old web container still running during the update.
    assert (target / "app.1111.css").exists() and (target / "CACHE/css/x.aaaa.css").exists()
    assert (target / "app.css").read_text() == "a2" and (target / "staticfiles.json").read_text() == "2"

    release3 = make_build(tmp_path / "r3", {"staticfiles.json": "3", "app.css": "a2", "app.2222.css": "a2"})
    (target / ".app.css.tmp123").write_text("left over by an interrupted sync")
    assert sync_static.sync(release3, target) == (1, 3)
    names = {p.relative_to(target).as_posix() for p in target.rglob("*")}
    assert names == {"staticfiles.json", "app.css", "app.2222.css", sync_static.FILE_LIST}, "release 1 is gone"


def test_sync_static_refuses_an_unbuilt_source_or_unwritable_target(tmp_path, capsys):
    sync_static = load_deploy_module("sync_static")
    target = tmp_path / "volume"
    target.mkdir()
    unbuilt = make_build(tmp_path / "src", {"app.css": "a"})
    assert sync_static.main([str(target), str(unbuilt)]) == 1
    assert "pretix rebuild" in capsys.readouterr().err
    assert not any(target.iterdir())

    built = make_build(tmp_path / "built", {"staticfiles.json": "{}"})
    assert sync_static.main([str(tmp_path / "not-mounted"), str(built)]) == 1
    assert "static volume" in capsys.readouterr().err
    assert sync_static.main([str(target), str(built)]) == 0
    assert "1 file(s) written" in capsys.readouterr().out


# --- render_config.py --------------------------------------------------------------------------------------


def test_render_config_names_every_missing_variable(tmp_path, monkeypatch, capsys):
    render_config = load_render_config()
    for name in render_config.variables(template()):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PRETIX_SITE_URL", HOST_ENV["PRETIX_SITE_URL"])
    monkeypatch.setenv("PRETIX_MAIL_FROM", HOST_ENV["PRETIX_MAIL_FROM"])
    monkeypatch.setenv("PRETIX_MAIL_HOST", HOST_ENV["PRETIX_MAIL_HOST"])
    monkeypatch.setenv("PRETIX_METRICS_PASSPHRASE", HOST_ENV["PRETIX_METRICS_PASSPHRASE"])
    monkeypatch.setenv("PRETIX_DB_PASSWORD", "")  # empty counts as missing
    output = tmp_path / "pretix.cfg"

    assert render_config.main([str(DEPLOY / "pretix.cfg.template"), str(output)]) == 1
    err = capsys.readouterr().err
    assert "missing required environment variable(s): PRETIX_DB_PASSWORD, PRETIX_SECRET_KEY" in err
    assert not output.exists()

    with pytest.raises(render_config.MissingVariablesError) as exc:
        render_config.render(template(), {})
    assert exc.value.names == sorted(HOST_ENV)


def test_render_config_writes_a_private_file(tmp_path, monkeypatch):
    render_config = load_render_config()
    for name, value in container_env("web").items():
        monkeypatch.setenv(name, value)
    output = tmp_path / "pretix.cfg"
    assert render_config.main([str(DEPLOY / "pretix.cfg.template"), str(output)]) == 0
    assert output.stat().st_mode & 0o777 == 0o600
    assert f"secret={HOST_ENV['PRETIX_SECRET_KEY']}\n" in output.read_text(encoding="utf-8")


def test_render_config_substitution_rules():
    render_config = load_render_config()
    text = "[a]\nx=${X}\ny=${Y:-fallback}\nz=$${X}\nw=cost $5\n"
    assert render_config.render(text, {"X": "v%1$"}) == "[a]\nx=v%1$\ny=fallback\nz=${X}\nw=cost $5\n"
    assert render_config.render(text, {"X": "v", "Y": ""}).splitlines()[2] == "y=fallback"
    with pytest.raises(render_config.ConfigError, match="single line: X"):
        render_config.render(text, {"X": "one\n[evil]\nsection=1"})
    with pytest.raises(render_config.ConfigError, match="malformed placeholder on line 2"):
        render_config.render("[a]\nx=${X\n", {"X": "v"})
