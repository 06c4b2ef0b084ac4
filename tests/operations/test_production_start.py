"""A production start (DEBUG off) refuses a published or short SECRET_KEY and a missing
ALLOWED_HOSTS with a message that says what to do; commands that sign nothing still run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = "k3y-" + "x9Lm2Qp7Zr4Tv8Wn" * 4


def _run(tmp_path, overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DATA_DIR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": "", **overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _serve(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    """What gunicorn and runserver do first: load okrapp.wsgi."""
    return _run(tmp_path, overrides, "-c", "import okrapp.wsgi")


@pytest.mark.parametrize(
    "placeholder",
    ["change-me-in-production-please-0123456789", "change-me", "django-insecure-" + "a1b2" * 12],
)
def test_the_server_refuses_a_published_placeholder_secret(tmp_path, placeholder):
    result = _serve(tmp_path, SECRET_KEY=placeholder, ALLOWED_HOSTS="okr.example.com")
    assert result.returncode != 0
    assert "Refusing to serve with DEBUG off" in result.stderr
    assert "SECRET_KEY is a published placeholder" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_the_server_refuses_a_short_secret(tmp_path):
    result = _serve(tmp_path, SECRET_KEY="s3cr3t-but-short", ALLOWED_HOSTS="okr.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_the_server_refuses_to_answer_no_host(tmp_path):
    result = _serve(tmp_path, SECRET_KEY=REAL_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the host names" in result.stderr


def test_the_server_starts_with_a_real_secret_and_a_host(tmp_path):
    result = _serve(tmp_path, SECRET_KEY=REAL_SECRET, ALLOWED_HOSTS="okr.example.com")
    assert result.returncode == 0, result.stderr


def test_development_serves_with_its_embedded_key(tmp_path):
    assert _serve(tmp_path, DEBUG="true").returncode == 0


def test_a_command_that_signs_nothing_runs_with_any_secret(tmp_path):
    result = _run(
        tmp_path, {"SECRET_KEY": "x"}, "manage.py", "makemigrations", "--check", "--dry-run"
    )
    assert result.returncode == 0, result.stderr


def test_a_celery_worker_refuses_a_placeholder_secret(tmp_path):
    result = _run(
        tmp_path,
        {"SECRET_KEY": "change-me"},
        "-m",
        "celery",
        "-A",
        "okrapp",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    assert result.returncode != 0
    assert "Refusing to start with DEBUG off: SECRET_KEY is a published placeholder" in (
        result.stderr
    )
