"""Every event of issue 16's list becomes one notification per person, after the commit, with
the email its kind's default (or the person's choice) asks for."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checkins.models import EmailStatus, Notification, NotificationKind
from kpis import services as kpi_services
from kpis.status_notifications import kpi_statuses_notify
from objectives import services as objective_services
from okrapp.core import services as org_services
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what a write records for after its commit (okrapp.core.jobs), as the worker would."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# --- Made owner -------------------------------------------------------------------------------


def test_a_lead_making_a_member_owner_of_a_key_result_tells_her_at_once(
    run_jobs, lead, member, objective, mailoutbox
):
    run_jobs(
        objective_services.key_result_create,
        viewer=viewer_for(lead),
        objective=objective,
        title="Publier 12 articles",
        target_value=Decimal(12),
        owner=member,
    )
    notification = Notification.objects.get(user=member)
    assert notification.kind == NotificationKind.ASSIGNMENT
    assert "Léa Lead made you the owner of the key result “Publier 12 articles”." in (
        notification.message
    )
    assert notification.email_status == EmailStatus.SENT
    assert [message.to for message in mailoutbox] == [[member.email]]


def test_making_oneself_the_owner_tells_nobody(run_jobs, lead, objective):
    run_jobs(
        objective_services.key_result_create,
        viewer=viewer_for(lead),
        objective=objective,
        title="Mine",
        target_value=Decimal(1),
        owner=lead,
    )
    assert not Notification.objects.exists()


def test_handing_a_key_result_to_someone_else_tells_the_new_owner(
    run_jobs, lead, member, objective
):
    key_result = KeyResultFactory(objective=objective, owner=lead)
    run_jobs(
        objective_services.key_result_update,
        viewer=viewer_for(lead),
        key_result=key_result,
        owner=member,
    )
    assert kinds(member) == [NotificationKind.ASSIGNMENT]
    assert kinds(lead) == []


def test_a_new_objective_with_its_key_results_tells_its_owner_once(
    run_jobs, lead, member, cycle, team
):
    run_jobs(
        objective_services.objective_create,
        viewer=viewer_for(lead),
        cycle=cycle,
        title="Faire grandir la communauté",
        level="team",
        team=team,
        owner=member,
        key_results=[
            {"title": "KR 1", "target_value": Decimal(10)},
            {"title": "KR 2", "target_value": Decimal(20)},
        ],
    )
    assert kinds(member) == [NotificationKind.ASSIGNMENT]
    assert "objective" in Notification.objects.get(user=member).message


# --- Grading opened ---------------------------------------------------------------------------


def test_grading_opened_tells_each_lead_once_with_its_own_kind(lead, cycle, run_jobs):
    from objectives.tasks import grading_opened

    run_jobs(grading_opened, cycle.pk)
    run_jobs(grading_opened, cycle.pk)
    assert kinds(lead) == [NotificationKind.GRADING]


# --- Invitation accepted ----------------------------------------------------------------------


def test_the_admin_who_sent_an_invitation_hears_it_was_accepted(run_jobs, admin, team):
    invitation = run_jobs(
        org_services.invitation_create,
        viewer=viewer_for(admin),
        email="nouvelle@example.org",
        display_name="Nina Nouvelle",
        team=team,
    )
    run_jobs(org_services.invitation_accept, invitation=invitation, password="a-long-pass-2026")
    notification = Notification.objects.get(user=admin)
    assert notification.kind == NotificationKind.INVITATION_ACCEPTED
    assert "Nina Nouvelle accepted your invitation" in notification.message
    # The default for this kind is the daily digest, not an email at once.
    assert notification.email_status == EmailStatus.DIGEST


# --- A KPI turned alert or stale --------------------------------------------------------------


@pytest.fixture
def kpi(lead, team):
    return KPIFactory(
        team=team,
        owner=lead,
        name="Leads par semaine",
        target_value=Decimal(100),
        alert_threshold=Decimal(50),
        frequency="weekly",
    )


def record(run_jobs, kpi, value, day=None):
    run_jobs(
        kpi_services.measurements_record,
        viewer=viewer_for(kpi.owner),
        kpi=kpi,
        items=[{"period_date": day or timezone.localdate(), "value": Decimal(value)}],
        recorded_by=kpi.owner,
    )


def test_a_kpi_turning_alert_tells_its_owner_once(run_jobs, kpi, lead):
    record(run_jobs, kpi, 30)
    record(run_jobs, kpi, 20, timezone.localdate() - datetime.timedelta(days=1))
    notification = Notification.objects.get(user=lead)
    assert notification.kind == NotificationKind.KPI_STATUS
    assert "Leads par semaine" in notification.message


def test_a_kpi_back_to_health_then_in_alert_again_is_told_again(run_jobs, kpi, lead):
    record(run_jobs, kpi, 30)
    record(run_jobs, kpi, 120, timezone.localdate() + datetime.timedelta(days=1))
    record(run_jobs, kpi, 10, timezone.localdate() + datetime.timedelta(days=2))
    assert kinds(lead) == [NotificationKind.KPI_STATUS] * 2


def test_a_kpi_left_without_measurement_is_told_stale_by_the_daily_scan(kpi, lead):
    MeasurementFactory(kpi=kpi, value=Decimal(120), period_date=timezone.localdate())
    assert kpi_statuses_notify() == 0
    later = timezone.localdate() + datetime.timedelta(days=30)
    assert kpi_statuses_notify(today=later) == 1
    assert kpi_statuses_notify(today=later) == 0
    assert "no recent measurement" in Notification.objects.get(user=lead).message


def test_an_inactive_owner_is_not_told(kpi, lead):
    lead.is_active = False
    lead.save()
    MeasurementFactory(kpi=kpi, value=Decimal(1))
    assert kpi_statuses_notify() == 0


def test_every_kind_of_issue_16_has_a_notification_kind():
    expected = {
        "mention",
        "comment",
        "assignment",
        "checkin",
        "off_track",
        "kpi_status",
        "grading",
        "invitation",
    }
    assert expected <= set(NotificationKind.values)
