"""The KPI bridge moved into kpis (KeyResultLink, MeasurementCheckIn): an existing database
keeps every link and every check-in's measurement through the migration, and back."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("kpis", "0002_initial"),
    ("objectives", "0002_initial"),
    ("checkins", "0003_reminder_sending"),
]
AFTER = [
    ("kpis", "0003_key_result_and_check_in_links"),
    ("objectives", "0003_remove_keyresult_kpi"),
    ("checkins", "0004_remove_checkin_measurement"),
]


def latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(apps) -> dict:
    """A linked key result with a check-in recorded from a measurement, and an unlinked one."""
    team = apps.get_model("okrapp", "Team").objects.create(name="Marketing", path="0001")
    user = apps.get_model("okrapp", "User").objects.create(
        email="lead@example.org", display_name="Lead"
    )
    cycle = apps.get_model("okrapp", "Cycle").objects.create(
        name="Q1", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 3, 31)
    )
    kpi = apps.get_model("kpis", "KPI").objects.create(
        name="Open rate",
        definition="Opens / sends",
        target_value=Decimal(40),
        data_source="CRM",
        owner=user,
        team=team,
    )
    measurement = apps.get_model("kpis", "Measurement").objects.create(
        kpi=kpi, period_date=datetime.date(2026, 2, 28), value=Decimal(35)
    )
    objective = apps.get_model("objectives", "Objective").objects.create(
        title="Grow the newsletter", cycle=cycle, team=team, owner=user
    )
    KeyResult = apps.get_model("objectives", "KeyResult")
    linked = KeyResult.objects.create(
        objective=objective,
        title="Open rate at 40 %",
        owner=user,
        start_value=Decimal(30),
        target_value=Decimal(40),
        current_value=Decimal(35),
        kpi=kpi,
    )
    unlinked = KeyResult.objects.create(
        objective=objective,
        title="1,000 subscribers",
        owner=user,
        start_value=Decimal(0),
        target_value=Decimal(1000),
        current_value=Decimal(0),
    )
    CheckIn = apps.get_model("checkins", "CheckIn")
    bridged = CheckIn.objects.create(
        key_result=linked,
        author=user,
        value=Decimal(35),
        confidence="on_track",
        measurement=measurement,
    )
    manual = CheckIn.objects.create(
        key_result=unlinked, author=user, value=Decimal(10), confidence="on_track"
    )
    return {
        "kpi": kpi.pk,
        "measurement": measurement.pk,
        "linked": linked.pk,
        "unlinked": unlinked.pk,
        "bridged": bridged.pk,
        "manual": manual.pk,
    }


@pytest.fixture
def at_the_old_schema():
    migrate(BEFORE)
    yield
    latest()


def test_the_migration_keeps_every_link_and_measurement(at_the_old_schema):
    ids = _old_rows(migrate(BEFORE))
    apps = migrate(AFTER)
    links = apps.get_model("kpis", "KeyResultLink").objects
    check_in_links = apps.get_model("kpis", "MeasurementCheckIn").objects
    assert list(links.values_list("key_result_id", "kpi_id")) == [(ids["linked"], ids["kpi"])]
    assert list(check_in_links.values_list("check_in_id", "measurement_id")) == [
        (ids["bridged"], ids["measurement"])
    ]


def test_the_migration_can_be_reversed_without_loss(at_the_old_schema):
    ids = _old_rows(migrate(BEFORE))
    migrate(AFTER)
    apps = migrate(BEFORE)
    key_results = apps.get_model("objectives", "KeyResult").objects
    check_ins = apps.get_model("checkins", "CheckIn").objects
    assert key_results.get(pk=ids["linked"]).kpi_id == ids["kpi"]
    assert key_results.get(pk=ids["unlinked"]).kpi_id is None
    assert check_ins.get(pk=ids["bridged"]).measurement_id == ids["measurement"]
    assert check_ins.get(pk=ids["manual"]).measurement_id is None


BEFORE_NAMES_FORGOTTEN = [
    ("kpis", "0004_text_lengths"),
    ("checkins", "0006_text_lengths"),
    ("objectives", "0004_text_lengths"),
]
AFTER_NAMES_FORGOTTEN = [*BEFORE_NAMES_FORGOTTEN[1:], ("kpis", "0005_one_check_in_per_key_result")]


@pytest.fixture
def before_names_forgotten():
    migrate(BEFORE_NAMES_FORGOTTEN)
    yield
    latest()


def test_check_ins_lose_the_kpi_name_their_comment_used_to_carry(before_names_forgotten):
    apps = migrate(BEFORE_NAMES_FORGOTTEN)
    ids = _old_rows_linked(apps)
    apps = migrate(AFTER_NAMES_FORGOTTEN)
    check_ins = apps.get_model("checkins", "CheckIn").objects
    links = apps.get_model("kpis", "MeasurementCheckIn").objects
    assert check_ins.get(pk=ids["first"]).comment == ""
    assert check_ins.get(pk=ids["second"]).comment == ""
    assert check_ins.get(pk=ids["manual"]).comment == "KPI · by hand"
    assert sorted(links.values_list("check_in_id", flat=True)) == sorted(
        [ids["first"], ids["second"]]
    )


def _old_rows_linked(apps) -> dict:
    """One measurement feeding two key results: the first's check-in held the link, the
    second's was found by its comment "KPI · <name> · <date>"."""
    team = apps.get_model("okrapp", "Team").objects.create(name="Marketing", path="0001")
    user = apps.get_model("okrapp", "User").objects.create(email="l@example.org", display_name="L")
    cycle = apps.get_model("okrapp", "Cycle").objects.create(
        name="Q1", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 3, 31)
    )
    kpi = apps.get_model("kpis", "KPI").objects.create(
        name="Secret churn",
        definition="d",
        target_value=Decimal(5),
        data_source="CRM",
        owner=user,
        team=team,
        visibility="private",
    )
    measurement = apps.get_model("kpis", "Measurement").objects.create(
        kpi=kpi, period_date=datetime.date(2026, 2, 28), value=Decimal(7)
    )
    objective = apps.get_model("objectives", "Objective").objects.create(
        title="Keep customers", cycle=cycle, team=team, owner=user
    )
    KeyResult = apps.get_model("objectives", "KeyResult")
    CheckIn = apps.get_model("checkins", "CheckIn")
    comment = "KPI · Secret churn · 2026-02-28"
    made = {}
    for name in ("first", "second"):
        key_result = KeyResult.objects.create(
            objective=objective,
            title=name,
            owner=user,
            start_value=Decimal(10),
            target_value=Decimal(5),
            current_value=Decimal(7),
        )
        apps.get_model("kpis", "KeyResultLink").objects.create(key_result=key_result, kpi=kpi)
        made[name] = CheckIn.objects.create(
            key_result=key_result,
            author=user,
            value=Decimal(7),
            confidence="at_risk",
            comment=comment,
        ).pk
    apps.get_model("kpis", "MeasurementCheckIn").objects.create(
        check_in_id=made["first"], measurement=measurement
    )
    made["manual"] = CheckIn.objects.create(
        key_result_id=KeyResult.objects.get(title="first").pk,
        author=user,
        value=Decimal(6),
        confidence="on_track",
        comment="KPI · by hand",
    ).pk
    return made
