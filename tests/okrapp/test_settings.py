"""Production settings are safe by default; the embedded default needs no configuration."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_HTTPS", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_a_real_secret_and_host(tmp_path):
    result = _run(
        {
            "SECRET_KEY": "k3y-" + "x9Lm2Qp7Zr4Tv8Wn" * 4,
            "ALLOWED_HOSTS": "okr.example.com",
            "DATA_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run({"DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_fails_loudly(tmp_path):
    result = _run({"DEBUG": "maybe", "DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_collectstatic_with_the_production_storage_finds_every_file_it_names(tmp_path):
    """The manifest storage rewrites each url() and sourceMappingURL to a hashed name and
    fails on a file that is not there (a vendored script's missing source map did)."""
    result = _run(
        {
            "SECRET_KEY": "collectstatic-needs-no-secret",
            "STATIC_MANIFEST": "true",
            "DATA_DIR": str(tmp_path),
        },
        "collectstatic",
        "--noinput",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles" / "staticfiles.json").read_text()
    assert "vendor/chart.umd.min.js.map" in manifest


def test_a_malformed_rate_fails_loudly(tmp_path):
    result = _run(
        {"DEBUG": "true", "PASSWORD_RESET_RATE_PER_IP": "lots", "DATA_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0
    assert "PASSWORD_RESET_RATE_PER_IP must be a rate such as 5/hour" in result.stderr


def test_migrate_creates_the_rate_limits_cache_table_without_redis(tmp_path):
    env = {"DEBUG": "true", "DATA_DIR": str(tmp_path), "REDIS_URL": "", "DATABASE_URL": ""}
    result = _run(env, "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stdout + result.stderr
    tables = sqlite3.connect(tmp_path / "okr.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    assert ("okr_cache",) in tables.fetchall()
