"""`manage.py backup` and `restore`: a backup restored into a fresh database holds every
objective, check-in and KPI; a restore never overwrites a database that holds data unless
told to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from checkins.models import CheckIn
from kpis.models import KPI
from objectives.models import Objective
from okrapp.operations.backups import backup_create
from tests.factories import CheckInFactory, KeyResultFactory, KPIFactory

ROOT = Path(__file__).resolve().parents[2]
# Every row of these, column by column, must come back.
TABLES = [
    "okrapp_user",
    "okrapp_team",
    "okrapp_membership",
    "okrapp_cycle",
    "objectives_objective",
    "objectives_keyresult",
    "objectives_initiative",
    "checkins_checkin",
    "kpis_kpi",
    "kpis_measurement",
    "kpis_keyresultlink",
    "objectives_scoresnapshot",
]


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
    return [tuple(_json_read(value) for value in row) for row in cursor.fetchall()]


def _json_read(value):
    """Django's cursor reads a jsonb column as its text, psycopg's as the object: compare
    objects."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database beside the test one, named after DATABASE_URL's."""
    base = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{base['NAME']}_restore"
    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{params['host']}:{params['port']}/{name}"
    yield url, {**params, "dbname": name}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_holds_every_objective_checkin_and_kpi(
    tmp_path, fresh_database, capsys
):
    call_command("load_demo", stdout=StringIO())
    call_command("backup", "--dir", str(tmp_path))
    backup = Path(capsys.readouterr().out.strip())
    assert backup.parent == tmp_path and backup.suffix == ".dump"
    url, params = fresh_database

    restored = _manage(url, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr

    with connection.cursor() as source, psycopg.connect(**params) as target:
        for table in TABLES:
            assert _rows(target.cursor(), table) == _rows(source, table), table
    assert Objective.objects.count() >= 18 and CheckIn.objects.count() > 400
    assert KPI.objects.count() == 6
    assert _manage(url, "migrate", "--check").returncode == 0

    again = _manage(url, "restore", str(backup))
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data(tmp_path):
    KPIFactory()
    backup = backup_create(directory=tmp_path)
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup))
    assert KPI.objects.count() == 1


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.dump"
    not_a_backup.write_text("SELECT 1;")
    with pytest.raises(CommandError, match="is not a backup of a"):
        call_command("restore", str(not_a_backup), "--force")


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_only_by_its_owner_and_never_left_half_written(tmp_path):
    backup = backup_create(directory=tmp_path / "backups")
    assert backup.stat().st_mode & 0o077 == 0
    assert [path.name for path in backup.parent.iterdir()] == [backup.name]


@pytest.mark.django_db(transaction=True)
def test_restore_with_force_replaces_what_the_database_holds(tmp_path):
    check_in = CheckInFactory(key_result=KeyResultFactory())
    backup = backup_create(directory=tmp_path)
    CheckIn.objects.all().delete()
    KPIFactory()
    call_command("restore", str(backup), "--force", stdout=StringIO())
    assert list(CheckIn.objects.values_list("pk", "value")) == [(check_in.pk, check_in.value)]
    assert not KPI.objects.exists()
