"""
Our own rules on the Terraform of infra/ (parsed with python-hcl2, offline: providers cannot be downloaded here, so
`terraform validate/plan` run in the pipeline, .gitlab-ci.yml). checkov runs beside these (make infra-check).
"""
import re
from pathlib import Path

import hcl2
import pytest

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
ENVS = ("dev", "staging", "prod")
# resource types Yandex gives no labels (bindings, members, sub-objects of a labelled parent)
UNLABELLED = {"yandex_resourcemanager_folder_iam_member", "yandex_container_registry_iam_binding",
              "yandex_storage_bucket_iam_binding", "yandex_lockbox_secret_iam_binding",
              "yandex_mdb_postgresql_database", "yandex_mdb_postgresql_user", "yandex_dns_recordset",
              "yandex_alb_virtual_host", "random_password"}
SECRET_NAME = re.compile(r"(password|secret|token|access_key|secret_key|private_key)$", re.I)
SECRET_ALLOWED = {"random_password.bootstrap.result"}  # replaced from Lockbox at bootstrap, ignored afterwards


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return hcl2.load(f)


def tf_files(root: Path = INFRA) -> list[Path]:
    return sorted(root.rglob("*.tf"))


def resources(root: Path = INFRA):
    """(file, type, name, body) of every resource."""
    for path in tf_files(root):
        for block in load(path).get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    yield path, rtype, name, body


def walk(node, key=None):
    """Every (key, value) pair in a parsed body, through nested and dynamic blocks; values unwrapped."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, k)
    elif isinstance(node, list):
        if key is not None and all(not isinstance(x, (dict, list)) for x in node):
            yield key, node[0] if len(node) == 1 else node
        for x in node:
            if isinstance(x, (dict, list)):
                yield from walk(x, key)
    else:
        yield key, node


def blocks(body: dict, name: str) -> list[dict]:
    """The nested blocks ``name`` of a body, static or dynamic (the dynamic block's content)."""
    found = list(body.get(name, []))
    for dyn in body.get("dynamic", []):
        for content in dyn.get(name, {}).get("content", []) if isinstance(dyn.get(name), dict) else []:
            found.append(content)
    return found


def tfvars(env: str) -> dict:
    """python-hcl2 wraps every attribute value in a list; unwrapped here."""
    return {k: v[0] for k, v in load(INFRA / "envs" / env / "terraform.tfvars").items()}


def test_infra_parses_and_has_the_modules():
    modules = {p.name for p in (INFRA / "modules").iterdir() if p.is_dir()}
    assert modules >= {"network", "postgres", "redis", "registry", "compute", "alb", "storage", "lockbox", "iam", "dns"}
    assert len(list(resources())) > 40


def test_no_public_ip_on_database_or_redis_hosts():
    checked = 0
    for path, rtype, name, body in resources():
        if rtype in ("yandex_mdb_postgresql_cluster", "yandex_mdb_redis_cluster"):
            hosts = blocks(body, "host")
            assert hosts, f"{path}: {rtype}.{name} has no host"
            for host in hosts:
                assert host.get("assign_public_ip") in (False, [False]), f"{path}: {rtype}.{name} public host"
                checked += 1
    assert checked == 2


def test_redis_has_tls():
    redis = [body for _p, rtype, _n, body in resources() if rtype == "yandex_mdb_redis_cluster"]
    assert redis and all(b.get("tls_enabled") in (True, [True]) for b in redis)


def test_only_the_load_balancer_is_open_to_the_internet_and_only_on_80_and_443():
    for path, rtype, name, body in resources():
        if rtype != "yandex_vpc_security_group":
            continue
        for rule in body.get("ingress", []):
            cidrs = rule.get("v4_cidr_blocks", [[]])[0]
            if "0.0.0.0/0" in cidrs:
                assert name == "alb" and rule["port"] in ([80], [443], 80, 443), f"{path}: {name} open: {rule}"


def test_secrets_come_only_from_lockbox():
    for path in tf_files():
        for key, value in walk(load(path)):
            if key and isinstance(value, str) and SECRET_NAME.search(str(key)) and not str(key).endswith("_key_id"):
                ref = str(value)
                assert ref.startswith("${") and not ref.startswith("${var."), f"{path}: {key} = {value!r}"
                assert ref.strip("${}") in SECRET_ALLOWED, f"{path}: {key} = {value!r} (Lockbox only)"
    for env in ENVS:
        assert not [k for k in tfvars(env) if SECRET_NAME.search(k)], f"{env}: a secret in terraform.tfvars"
    # the instances read their secrets from Lockbox at start
    cloud_init = (INFRA / "modules" / "compute" / "cloud-init.yaml.tftpl").read_text()
    assert "payload.lockbox.api.cloud.yandex.net" in cloud_init


def test_prod_keeps_its_data():
    prod = tfvars("prod")
    assert prod["deletion_protection"] is True and prod["backup_retain_days"] >= 14
    assert len(prod["db_host_zones"]) >= 2, "PostgreSQL HA: two hosts in prod"
    assert prod["web_max_size"] > prod["web_min_size"], "prod scales the web group on CPU"
    assert all(tfvars(e)["backup_retain_days"] >= 7 for e in ENVS)
    pg = next(b for _p, t, _n, b in resources(INFRA / "modules" / "postgres") if t == "yandex_mdb_postgresql_cluster")
    assert pg["deletion_protection"] == ["${var.deletion_protection}"]
    assert pg["config"][0]["backup_retain_period_days"] == ["${var.backup_retain_days}"]
    buckets = {n: b for _p, t, n, b in resources(INFRA / "modules" / "storage") if t == "yandex_storage_bucket"}
    assert set(buckets) == {"media", "backups"}
    assert all(b["versioning"][0]["enabled"] == [True] and b.get("lifecycle_rule") for b in buckets.values())


def test_every_resource_is_labelled_with_its_environment():
    for path, rtype, name, body in resources():
        if rtype in UNLABELLED:
            continue
        labels = body.get("labels") or body.get("tags")
        assert labels == ["${var.labels}"], f"{path}: {rtype}.{name} has no environment labels"
    for env in ENVS:
        main = load(INFRA / "envs" / env / "main.tf")
        labels = main["locals"][0]["labels"]
        labels = labels[0] if isinstance(labels, list) else labels
        assert labels["env"] == "${var.env}" and tfvars(env)["env"] == env


@pytest.mark.parametrize("env", ENVS[1:])
def test_all_environments_define_the_same_modules(env):
    def modules(e):
        return {name: body["source"] for block in load(INFRA / "envs" / e / "main.tf")["module"]
                for name, body in block.items()}
    assert modules(env) == modules("dev")
    assert set(tfvars(env)) == set(tfvars("dev"))
    for name in ("main.tf", "variables.tf", "versions.tf"):
        assert (INFRA / "envs" / env / name).read_text() == (INFRA / "envs" / "dev" / name).read_text(), name


def test_the_rules_catch_a_violation(tmp_path):
    bad = tmp_path / "bad.tf"
    bad.write_text('resource "yandex_vpc_security_group" "app" {\n  labels = var.labels\n'
                   '  ingress {\n    protocol = "TCP"\n    port = 22\n    v4_cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
                   'resource "yandex_mdb_redis_cluster" "r" {\n  tls_enabled = false\n  config {\n'
                   '    password = "hunter2"\n  }\n}\n')
    found = list(resources(tmp_path))
    sg = next(b for _p, t, _n, b in found if t == "yandex_vpc_security_group")
    assert "0.0.0.0/0" in sg["ingress"][0]["v4_cidr_blocks"][0]
    redis = next(b for _p, t, _n, b in found if t == "yandex_mdb_redis_cluster")
    assert redis["tls_enabled"] == [False] and ("password", "hunter2") in list(walk(redis))
