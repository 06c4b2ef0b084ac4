"""The KPI ↔ key result bridge, both ways."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from checkins.models import CheckIn
from kpis import services
from kpis.models import KPI, Measurement, MeasurementCheckIn
from kpis.selectors import linked_kpi
from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def measurement_of(checkin: CheckIn) -> Measurement | None:
    """The measurement a check-in was recorded from, if any (kpis.MeasurementCheckIn)."""
    link = MeasurementCheckIn.objects.filter(check_in=checkin).select_related("measurement")
    return link.first().measurement if link.exists() else None


TODAY = timezone.localdate()
LAST_MONTH = TODAY.replace(day=1) - datetime.timedelta(days=1)


@pytest.fixture
def kpi(team, lead):
    return KPIFactory(team=team, owner=lead, target_value=Decimal(50), alert_threshold=Decimal(40))


@pytest.fixture
def key_result(kpi, cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    return KeyResultFactory(
        objective=objective, owner=lead, start_value=Decimal(30), target_value=Decimal(50), kpi=kpi
    )


def record(kpi, value, *, period_date=LAST_MONTH, by=None):
    """One measurement recorded as the KPI page does: (the measurement, what happened)."""
    author = by or kpi.owner
    recorded = services.measurements_record(
        viewer=viewer_for(author),
        kpi=kpi,
        items=[{"period_date": period_date, "value": Decimal(value)}],
        recorded_by=author,
    )
    return recorded.measurements[0], recorded.outcomes[0]


def test_a_new_measurement_records_a_check_in_on_the_linked_key_result(kpi, key_result):
    measurement, outcome = record(kpi, "45")
    checkin = CheckIn.objects.get(key_result=key_result)
    assert outcome == "created"
    assert (checkin.value, checkin.confidence, measurement_of(checkin)) == (
        Decimal(45),
        "at_risk",
        measurement,
    )
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(45)
    assert key_result.score == Decimal(75)
    assert key_result.objective.__class__.objects.get().score == Decimal(75)


@pytest.mark.parametrize(("value", "confidence"), [("55", "on_track"), ("39", "off_track")])
def test_the_check_in_confidence_follows_the_kpi_health(kpi, key_result, value, confidence):
    record(kpi, value)
    assert CheckIn.objects.get(key_result=key_result).confidence == confidence


def test_recording_the_same_value_again_adds_no_check_in(kpi, key_result):
    record(kpi, "45")
    _, outcome = record(kpi, "45")
    assert outcome == "unchanged"
    assert CheckIn.objects.filter(key_result=key_result).count() == 1


def test_correcting_the_latest_period_corrects_its_check_in(kpi, key_result):
    measurement, _ = record(kpi, "45")
    record(kpi, "52")
    checkin = CheckIn.objects.get(key_result=key_result)
    assert (checkin.value, checkin.confidence, measurement_of(checkin)) == (
        Decimal(52),
        "on_track",
        measurement,
    )
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(52)


def test_a_correction_after_a_manual_check_in_records_a_new_one(kpi, key_result, member):
    record(kpi, "45")
    manual = CheckInFactory(key_result=key_result, value=Decimal(47))
    measurement, _ = record(kpi, "48")
    latest = CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id").first()
    assert latest.pk != manual.pk
    assert (latest.value, measurement_of(latest)) == (Decimal(48), measurement)
    assert CheckIn.objects.filter(key_result=key_result).count() == 3


def test_an_older_period_is_history_and_records_no_check_in(kpi, key_result):
    record(kpi, "45")
    record(kpi, "20", period_date=LAST_MONTH - datetime.timedelta(days=31))
    assert CheckIn.objects.filter(key_result=key_result).count() == 1
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(45)


def test_a_key_result_of_a_closed_cycle_is_left_alone(kpi, key_result):
    Cycle.objects.filter(pk=key_result.objective.cycle_id).update(status=Cycle.Status.CLOSED)
    record(kpi, "45")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("status", "late_days", "follows"),
    [
        (Cycle.Status.PLANNING, 0, False),
        (Cycle.Status.GRADING, 0, False),
        (Cycle.Status.GRADING, 7, True),  # in the late days of grading
    ],
)
def test_a_key_result_follows_its_kpi_only_while_its_cycle_takes_check_ins(
    kpi, key_result, settings, status, late_days, follows
):
    settings.LATE_CHECKIN_DAYS = late_days
    Cycle.objects.filter(pk=key_result.objective.cycle_id).update(
        status=status, grading_opened_on=TODAY
    )
    measurement, _outcome = record(kpi, "45")
    assert measurement.pk is not None  # the KPI's own number is always recorded
    assert CheckIn.objects.filter(key_result=key_result).exists() is follows


def test_every_open_linked_key_result_follows_and_none_twice(kpi, key_result, team, lead):
    other = KeyResultFactory(
        objective=ObjectiveFactory(cycle=CycleFactory(), team=team, owner=lead),
        start_value=Decimal(0),
        target_value=Decimal(50),
        kpi=kpi,
    )
    record(kpi, "45")
    record(kpi, "45")
    assert CheckIn.objects.filter(key_result=key_result).count() == 1
    assert CheckIn.objects.filter(key_result=other).count() == 1
    assert MeasurementCheckIn.objects.count() == 2  # each key result its own link


def test_a_csv_import_records_one_check_in_and_its_reimport_none(kpi, key_result, lead):
    text = "date;value\n31/01/2026;30\n28/02/2026;44,5\n"
    for _ in range(2):
        services.import_apply(viewer=viewer_for(lead), kpi=kpi, text=text, recorded_by=lead)
    checkin = CheckIn.objects.get(key_result=key_result)
    assert checkin.value == Decimal("44.5")
    assert measurement_of(checkin).period_date == datetime.date(2026, 2, 28)


def test_deleting_a_measurement_keeps_the_check_in(kpi, key_result):
    measurement, _ = record(kpi, "45")
    services.measurement_delete(viewer=viewer_for(kpi.owner), measurement=measurement)
    assert measurement_of(CheckIn.objects.get(key_result=key_result)) is None


# Turn a KPI into a key result ---------------------------------------------------------------


def test_a_kpi_becomes_a_linked_key_result_of_an_objective(kpi, cycle, team, lead):
    MeasurementFactory(kpi=kpi, period_date=LAST_MONTH, value=Decimal(32))
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    key_result = services.kpi_to_key_result(
        kpi=kpi,
        viewer=viewer_for(lead),
        objective=objective,
        title="Newsletter open rate back to 50 %",
        start_value=Decimal(32),
        target_value=Decimal(50),
    )
    assert (key_result.start_value, key_result.target_value, linked_kpi(key_result)) == (
        Decimal(32),
        Decimal(50),
        kpi,
    )
    assert key_result.kind == KeyResult.Kind.PERCENTAGE
    objective.refresh_from_db()
    assert objective.score is None  # not scored before the KPI's first measurement
    record(kpi, "41")
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(41)
    assert key_result.score == Decimal(50)


def test_a_kpi_becomes_a_key_result_of_an_objective_created_on_the_spot(kpi, cycle, team, lead):
    key_result = services.kpi_to_key_result(
        kpi=kpi,
        viewer=viewer_for(lead),
        new_objective={
            "title": "Our newsletter is awaited",
            "level": Objective.Level.TEAM,
            "team": team,
            "cycle": cycle,
        },
        title="Open rate at 50 %",
        start_value=Decimal(30),
        target_value=Decimal(50),
    )
    objective = key_result.objective
    assert (objective.title, objective.cycle, objective.owner) == (
        "Our newsletter is awaited",
        cycle,
        lead,
    )
    assert linked_kpi(key_result) == kpi


def test_a_key_result_needs_a_target_different_from_its_start(kpi, cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    with pytest.raises(ValidationError):
        services.kpi_to_key_result(
            kpi=kpi,
            viewer=viewer_for(lead),
            objective=objective,
            title="x",
            start_value=Decimal(50),
            target_value=Decimal(50),
        )
    assert not KeyResult.objects.exists()


# Turn a key result into a KPI ---------------------------------------------------------------


def _kpi_fields(key_result, team, lead, **overrides):
    initial = services.key_result_kpi_initial(key_result)
    return {
        **initial,
        "owner": lead,
        "team": team,
        "frequency": KPI.Frequency.WEEKLY,
        "alert_threshold": None,
        **overrides,
    }


def test_a_key_result_becomes_a_kpi_with_its_check_in_history(cycle, team, lead):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead),
        owner=lead,
        title="Reach 500 webinar sign-ups",
        unit="sign-ups",
        start_value=Decimal(0),
        target_value=Decimal(500),
    )
    monday = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    CheckInFactory(key_result=key_result, value=Decimal(100), created_at=monday)
    latest_of_monday = CheckInFactory(
        key_result=key_result, value=Decimal(120), created_at=monday + datetime.timedelta(hours=3)
    )
    CheckInFactory(
        key_result=key_result, value=Decimal(260), created_at=monday + datetime.timedelta(days=7)
    )
    kpi = services.key_result_to_kpi(
        viewer=viewer_for(lead), key_result=key_result, **_kpi_fields(key_result, team, lead)
    )
    assert (kpi.name, kpi.unit, kpi.target_value, kpi.direction) == (
        "Reach 500 webinar sign-ups",
        "sign-ups",
        Decimal(500),
        KPI.Direction.HIGHER_IS_BETTER,
    )
    assert list(kpi.measurements.order_by("period_date").values_list("period_date", "value")) == [
        (datetime.date(2026, 3, 2), Decimal(120)),
        (datetime.date(2026, 3, 9), Decimal(260)),
    ]
    key_result.refresh_from_db()
    assert linked_kpi(key_result) == kpi
    latest_of_monday.refresh_from_db()
    assert measurement_of(latest_of_monday).period_date == datetime.date(2026, 3, 2)


def test_a_decreasing_key_result_becomes_a_lower_is_better_kpi(cycle, team, lead):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead),
        start_value=Decimal(12),
        target_value=Decimal(7),
    )
    initial = services.key_result_kpi_initial(key_result)
    assert initial["direction"] == KPI.Direction.LOWER_IS_BETTER


def test_the_kpi_made_from_a_key_result_does_not_echo_back_duplicates(cycle, team, lead):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead),
        owner=lead,
        start_value=Decimal(0),
        target_value=Decimal(500),
    )
    CheckInFactory(key_result=key_result, value=Decimal(100), created_at=timezone.now())
    kpi = services.key_result_to_kpi(
        viewer=viewer_for(lead), key_result=key_result, **_kpi_fields(key_result, team, lead)
    )
    measurement = Measurement.objects.get(kpi=kpi)
    record(kpi, "100", period_date=measurement.period_date)
    assert CheckIn.objects.filter(key_result=key_result).count() == 1


def test_a_key_result_already_linked_is_not_turned_twice(kpi, key_result, team, lead):
    with pytest.raises(ValidationError):
        services.key_result_to_kpi(
            viewer=viewer_for(lead), key_result=key_result, **_kpi_fields(key_result, team, lead)
        )
    assert KPI.objects.count() == 1


def test_a_kpi_made_from_a_key_result_is_prefilled_honestly(cycle, team, lead):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, title="Webinars fill up", description="Our reach."
    )
    key_result = KeyResultFactory(objective=objective, title="500 sign-ups")
    with translation.override("en"):
        initial = services.key_result_kpi_initial(key_result)
    assert (
        "“500 sign-ups”" in initial["definition"] and "“Webinars fill up”" in initial["definition"]
    )
    assert initial["definition"].endswith("Our reach.")
    assert initial["frequency"] == KPI.Frequency.WEEKLY
    assert initial["data_source"] == "Check-ins of key result “500 sign-ups”"
