"""The optional read replica (DATABASE_REPLICA_URL): the dashboard's read-only pages read from
it; every write, every read outside those pages and every read inside a transaction go to the
primary. Here the replica is a test mirror: a second connection to the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrapp.core.db_routers import REPLICA, reads_from_replica
from okrapp.core.models import Team
from tests.factories import TeamFactory

# The replica's connection sees only what is committed, as a real one would: no test
# transaction around each test.
pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def _replica(django_db_setup):
    """DATABASES['replica'] with TEST MIRROR default, as settings.py writes it, and its router.
    Module-scoped: the alias must exist before the database fixture checks `databases`."""
    from django.test.utils import override_settings

    default = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}
    routers = override_settings(DATABASE_ROUTERS=["okrapp.core.db_routers.ReplicaRouter"])
    routers.enable()
    yield
    routers.disable()
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _statements(alias: str, run) -> list[str]:
    with CaptureQueriesContext(connections[alias]) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries]


def test_the_dashboard_reads_from_the_replica(client, member, cycle):
    client.force_login(member)
    pages = []
    primary = _statements(
        DEFAULT_DB_ALIAS,
        lambda: _statements(REPLICA, lambda: pages.append(client.get(reverse("dashboard")))),
    )
    assert pages[0].status_code == 200
    assert cycle.name in pages[0].content.decode()
    # The primary answers the session and the signed-in person (before the view), no more.
    assert not any("okrapp_cycle" in sql or "objectives_" in sql for sql in primary)


def test_the_team_page_reads_from_the_replica_and_shows_the_team(client, member, team):
    client.force_login(member)
    pages = []
    replica = _statements(REPLICA, lambda: pages.append(client.get(f"/teams/{team.pk}/")))
    assert pages[0].status_code == 200
    assert team.name in pages[0].content.decode()
    assert replica


def test_the_replica_never_receives_a_write(client, member, team):
    client.force_login(member)
    replica = _statements(REPLICA, lambda: client.get(reverse("dashboard")))
    assert replica
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in replica)


def test_a_write_inside_the_scope_goes_to_the_primary(company):
    def write():
        with reads_from_replica():
            TeamFactory(name="Written inside the scope", parent=company)

    primary = _statements(DEFAULT_DB_ALIAS, lambda: _statements(REPLICA, write))
    assert any(sql.startswith("INSERT") and "okrapp_team" in sql for sql in primary)
    assert Team.objects.filter(name="Written inside the scope").exists()


def test_inside_the_scope_reads_go_to_the_replica_and_writes_to_the_primary():
    with reads_from_replica():
        assert router.db_for_read(Team) == REPLICA
        assert router.db_for_write(Team) == DEFAULT_DB_ALIAS


def test_a_read_outside_the_scope_goes_to_the_primary(company):
    replica = _statements(REPLICA, lambda: list(Team.objects.all()))
    assert replica == []
    assert Team.objects.all().db == DEFAULT_DB_ALIAS


def test_a_read_inside_a_transaction_goes_to_the_primary(company):
    with reads_from_replica(), transaction.atomic():
        replica = _statements(REPLICA, lambda: list(Team.objects.all()))
        assert Team.objects.all().db == DEFAULT_DB_ALIAS
    assert replica == []


def test_a_post_to_a_dashboard_page_reads_from_the_primary(client, member, team):
    client.force_login(member)
    replica = _statements(REPLICA, lambda: client.post(reverse("dashboard")))
    assert replica == []


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "okrapp")
    assert not router.allow_migrate(REPLICA, "okrapp")


ROOT = Path(__file__).resolve().parents[2]
SETTINGS_PROBE = (
    "from django.conf import settings;"
    "print(sorted(settings.DATABASES), getattr(settings, 'DATABASE_ROUTERS', []))"
)


def _settings_seen(tmp_path, **env: str) -> str:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}
    }
    environ.update({"DEBUG": "true", "DATA_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_the_variable_there_is_no_replica_nor_router(tmp_path):
    assert _settings_seen(tmp_path) == "['default'] []"


def test_the_variable_adds_the_replica_and_its_router(tmp_path):
    replica_url = "postgres://reader@replica.example:5432/okr"
    assert _settings_seen(tmp_path, DATABASE_REPLICA_URL=replica_url) == (
        "['default', 'replica'] ['okrapp.core.db_routers.ReplicaRouter']"
    )
