"""The compose file is safe by default: its secrets come from .env with no fallback, migrations
run once in a one-off service the others wait for, the demo is loaded only when asked, and the
web service's healthcheck is /readyz. Web and worker scale (`--scale web=2 --scale worker=2`)
behind the one published port, the nginx proxy's; beat never does. No Docker here: the file is
read, and the migrate service's command is run as its shell would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_no_secret_has_a_fallback(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS"):
        references = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert references, name
        # ${NAME:?message} stops compose with the message; ${NAME:-fallback} would not.
        assert all(reference.startswith(":?") for reference in references), name
    assert "change-me" not in text


def test_every_application_service_reads_the_env_file(compose):
    for name in ("migrate", "web", "worker", "beat"):
        assert compose["services"][name]["env_file"] == [".env"]


def test_web_worker_and_beat_wait_for_the_one_migration(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in services[name]["command"]
    assert "migrate" not in services["migrate"]["depends_on"]
    assert services["migrate"]["restart"] == "no"


def test_the_web_healthcheck_asks_readyz(compose):
    assert any("/readyz" in part for part in compose["services"]["web"]["healthcheck"]["test"])


def _migrate_command(compose) -> str:
    command = compose["services"]["migrate"]["command"]
    assert command.startswith("sh -c '") and command.endswith("'")
    # Compose turns "$$" into "$" before the container's shell sees the command.
    return command[len("sh -c '") : -1].replace("$$", "$")


@pytest.mark.parametrize(("demo", "loaded"), [(None, False), ("0", False), ("1", True)])
def test_the_migrate_service_loads_the_demo_only_when_asked(compose, tmp_path, demo, loaded):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEMO"}},
        "DATA_DIR": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    if demo is not None:
        env["DEMO"] = demo
    result = subprocess.run(
        ["sh", "-c", _migrate_command(compose)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert ("Demo loaded" in result.stdout) is loaded


def test_only_the_proxy_publishes_a_port_so_web_can_have_replicas(compose):
    services = compose["services"]
    assert services["proxy"]["ports"] == ["127.0.0.1:8000:80"]
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert services["web"]["expose"] == ["8000"]


def test_no_scalable_service_has_a_fixed_container_name(compose):
    for name in ("web", "worker"):
        assert "container_name" not in compose["services"][name]


def test_the_proxy_balances_over_every_web_replica(compose):
    mount = compose["services"]["proxy"]["volumes"][0]
    source, target, _mode = mount.split(":")
    assert target == "/etc/nginx/conf.d/default.conf"
    config = (ROOT / source).read_text()
    # Docker's DNS names every replica; `resolve` asks it again, so later replicas join.
    assert "resolver 127.0.0.11" in config
    assert re.search(r"server web:8000 resolve;", config)
    assert "proxy_pass http://web;" in config
    assert compose["services"]["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_the_proxy_adds_no_forwarded_address_for_proxy_count_to_skip(compose):
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $http_x_forwarded_for;" in config
    assert "proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;" in config


def test_only_the_beat_service_runs_beat(compose):
    runs_beat = [
        name
        for name, service in compose["services"].items()
        if re.search(r"\bbeat\b|\s-B\b|--beat", str(service.get("command", "")))
    ]
    assert runs_beat == ["beat"]
