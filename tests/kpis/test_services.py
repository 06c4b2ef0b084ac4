"""The KPI services check rights themselves and refuse what they do not know; recording
measurements is all or nothing and feeds linked key results once. A story with the lead who
owns the KPI, a member of its team and an outsider."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from checkins.models import CheckIn
from kpis import services
from kpis.models import KPI, Measurement
from objectives.models import Objective
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)


@pytest.fixture
def kpi(team, lead):
    return KPIFactory(team=team, owner=lead, target_value=Decimal(50), alert_threshold=Decimal(40))


@pytest.fixture
def key_result(kpi, cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    return KeyResultFactory(
        objective=objective, owner=lead, start_value=Decimal(30), target_value=Decimal(50), kpi=kpi
    )


def kpi_fields(team, owner, **overrides):
    return {
        "name": "Bounce rate",
        "definition": "Single-page sessions / sessions",
        "unit": "%",
        "direction": KPI.Direction.LOWER_IS_BETTER,
        "target_value": Decimal(40),
        "data_source": "Web analytics",
        "frequency": KPI.Frequency.MONTHLY,
        "team": team,
        "owner": owner,
        **overrides,
    }


def record(kpi, items, *, by):
    return services.measurements_record(viewer=viewer_for(by), kpi=kpi, items=items, recorded_by=by)


# KPIs ---------------------------------------------------------------------------------------


def test_creating_a_kpi_with_an_unknown_field_is_refused(member, team):
    with pytest.raises(ValidationError, match="colour"):
        services.kpi_create(viewer=viewer_for(member), **kpi_fields(team, member), colour="red")
    assert not KPI.objects.exists()


def test_updating_a_kpi_with_an_unknown_field_is_refused(kpi, lead):
    with pytest.raises(ValidationError, match="colour"):
        services.kpi_update(viewer=viewer_for(lead), kpi=kpi, name="Renamed", colour="red")
    kpi.refresh_from_db()
    assert kpi.name != "Renamed"


def test_a_new_kpi_is_owned_by_its_author_unless_told_otherwise(member, team):
    fields = kpi_fields(team, member)
    del fields["owner"]
    kpi = services.kpi_create(viewer=viewer_for(member), **fields)
    assert kpi.owner == member


def test_an_outsider_may_not_create_a_kpi_for_another_team(outsider, team):
    with pytest.raises(PermissionDenied):
        services.kpi_create(viewer=viewer_for(outsider), **kpi_fields(team, outsider))
    assert not KPI.objects.exists()


def test_a_member_may_not_create_a_kpi_owned_by_someone_else(member, lead, team):
    with pytest.raises(PermissionDenied):
        services.kpi_create(viewer=viewer_for(member), **kpi_fields(team, lead))
    assert not KPI.objects.exists()


def test_an_outsider_may_not_update_a_kpi(kpi, outsider):
    with pytest.raises(PermissionDenied):
        services.kpi_update(viewer=viewer_for(outsider), kpi=kpi, name="Renamed")
    kpi.refresh_from_db()
    assert kpi.name != "Renamed"


def test_the_owner_who_is_not_a_lead_may_not_hand_their_kpi_to_someone_else(team, member, lead):
    kpi = KPIFactory(team=team, owner=member)
    with pytest.raises(PermissionDenied):
        services.kpi_update(viewer=viewer_for(member), kpi=kpi, owner=lead)
    kpi.refresh_from_db()
    assert kpi.owner == member


def test_a_lead_hands_a_kpi_of_their_team_to_a_teammate(kpi, lead, member):
    services.kpi_update(viewer=viewer_for(lead), kpi=kpi, owner=member)
    kpi.refresh_from_db()
    assert kpi.owner == member


def test_an_outsider_may_not_delete_a_kpi(kpi, outsider):
    with pytest.raises(PermissionDenied):
        services.kpi_delete(viewer=viewer_for(outsider), kpi=kpi)
    assert KPI.objects.filter(pk=kpi.pk).exists()


# Measurements -------------------------------------------------------------------------------


def test_an_outsider_may_not_record_measurements(kpi, outsider):
    with pytest.raises(PermissionDenied):
        record(kpi, [{"period_date": JAN, "value": Decimal(1)}], by=outsider)
    assert not Measurement.objects.exists()


def test_a_teammate_who_does_not_own_the_kpi_may_not_import_measurements(kpi, member):
    with pytest.raises(PermissionDenied):
        services.import_apply(
            viewer=viewer_for(member), kpi=kpi, text="2026-01-31;1\n", recorded_by=member
        )
    assert not Measurement.objects.exists()


def test_an_outsider_may_not_correct_a_measurement(kpi, outsider):
    measurement = MeasurementFactory(kpi=kpi, period_date=JAN, value=Decimal(1))
    with pytest.raises(PermissionDenied):
        services.measurement_update(
            viewer=viewer_for(outsider),
            measurement=measurement,
            period_date=JAN,
            value=Decimal(2),
            recorded_by=outsider,
        )
    measurement.refresh_from_db()
    assert measurement.value == Decimal(1)


def test_an_outsider_may_not_delete_a_measurement(kpi, outsider):
    measurement = MeasurementFactory(kpi=kpi)
    with pytest.raises(PermissionDenied):
        services.measurement_delete(viewer=viewer_for(outsider), measurement=measurement)
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_a_measurement_with_an_unknown_field_is_refused(kpi, lead):
    with pytest.raises(ValidationError, match="colour"):
        record(kpi, [{"period_date": JAN, "value": Decimal(1), "colour": "red"}], by=lead)
    assert not Measurement.objects.exists()


def test_recording_measurements_keeps_nothing_when_one_item_is_invalid(kpi, lead):
    MeasurementFactory(kpi=kpi, period_date=JAN, value=Decimal(1))
    items = [
        {"period_date": JAN, "value": Decimal(2)},
        {"period_date": FEB, "value": Decimal(3)},
        {"period_date": MAR, "value": Decimal(4), "note": "x" * 301},
    ]
    with pytest.raises(ValidationError):
        record(kpi, items, by=lead)
    assert list(Measurement.objects.values_list("period_date", "value")) == [(JAN, Decimal(1))]


def test_recording_measurements_says_what_happened_to_each_in_date_order(kpi, lead):
    MeasurementFactory(kpi=kpi, period_date=JAN, value=Decimal(1))
    MeasurementFactory(kpi=kpi, period_date=FEB, value=Decimal(2))
    items = [
        {"period_date": MAR, "value": Decimal(3)},
        {"period_date": FEB, "value": Decimal(2)},
        {"period_date": JAN, "value": Decimal(9)},
    ]
    recorded = record(kpi, items, by=lead)
    assert [m.period_date for m in recorded.measurements] == [JAN, FEB, MAR]
    assert recorded.outcomes == ["updated", "unchanged", "created"]
    assert recorded.counts == {"created": 1, "updated": 1, "unchanged": 1}


def test_recording_several_periods_checks_in_once_with_the_latest(kpi, key_result, lead):
    items = [{"period_date": day, "value": Decimal(v)} for day, v in ((FEB, 35), (MAR, 45))]
    record(kpi, [{"period_date": JAN, "value": Decimal(30)}, *items], by=lead)
    checkin = CheckIn.objects.get(key_result=key_result)
    assert (checkin.value, checkin.confidence) == (Decimal(45), "at_risk")


def test_recording_several_periods_runs_the_bridge_once(kpi, key_result, lead, monkeypatch):
    calls = []
    bridge = services.bridge_measurement
    monkeypatch.setattr(
        services,
        "bridge_measurement",
        lambda **kwargs: calls.append(kwargs["measurement"].period_date) or bridge(**kwargs),
    )
    items = [{"period_date": day, "value": Decimal(40)} for day in (JAN, MAR, FEB)]
    record(kpi, items, by=lead)
    assert calls == [MAR]


def test_recording_unchanged_measurements_does_not_run_the_bridge(
    kpi, key_result, lead, monkeypatch
):
    MeasurementFactory(kpi=kpi, period_date=JAN, value=Decimal(40))
    calls = []
    monkeypatch.setattr(services, "bridge_measurement", lambda **kwargs: calls.append(kwargs))
    record(kpi, [{"period_date": JAN, "value": Decimal(40)}], by=lead)
    assert calls == []


# The bridge's two ways ----------------------------------------------------------------------


def test_a_kpi_one_may_not_see_does_not_become_their_key_result(
    cycle, team, other_team, lead, outsider
):
    kpi = KPIFactory(team=team, owner=lead, visibility=KPI.Visibility.PRIVATE)
    objective = ObjectiveFactory(
        cycle=cycle, team=other_team, owner=outsider, level=Objective.Level.INDIVIDUAL
    )
    with pytest.raises(PermissionDenied):
        services.kpi_to_key_result(
            viewer=viewer_for(outsider),
            kpi=kpi,
            objective=objective,
            title="Follow their KPI",
            start_value=Decimal(0),
            target_value=Decimal(1),
        )
    assert not objective.key_results.exists()


def test_an_outsider_may_not_turn_a_key_result_into_a_kpi(cycle, team, lead, outsider):
    key_result = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead))
    with pytest.raises(PermissionDenied):
        services.key_result_to_kpi(
            viewer=viewer_for(outsider), key_result=key_result, **kpi_fields(team, outsider)
        )
    assert not KPI.objects.exists()
