"""The compose file is safe by default: its secrets come from .env with no fallback, migrations
run once in a one-off service the others wait for, the demo is loaded only when asked, and the
web service's healthcheck is /readyz. No Docker here: the file is read, and the migrate
service's command is run as its shell would run it."""

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
