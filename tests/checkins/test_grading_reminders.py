"""During grading the weekly reminder asks for grades, not check-ins: whoever grades an
objective still to grade (its owner, its key results' owners, its team's leads) is reminded
once a week, by email in their language and in the app, with links to the grading page. A
grading cycle asks for no check-in, except in the late days when check-ins are allowed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from checkins import grading
from checkins.models import Notification, Reminder
from checkins.services import reminders_send
from kpis import reminders as kpi_reminders
from okrapp.core.models import Cycle
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Monday 23 November 2026, 09:00 in Paris: ISO week 48.
MONDAY_MORNING = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
TODAY = MONDAY_MORNING.date()
CHECK_IN_ASK = "These key results have no check-in yet this week"


@pytest.fixture(autouse=True)
def _no_stale_kpis(monkeypatch):
    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", lambda today: {})


@pytest.fixture
def graded_cycle():
    return CycleFactory(
        name="T3 2026",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 9, 30),
        status=Cycle.Status.GRADING,
        grading_opened_on=TODAY - datetime.timedelta(days=5),
    )


@pytest.fixture
def to_grade(graded_cycle, team, lead, member):
    """A team objective of the lead, with a key result the member owns; no retrospective."""
    objective = ObjectiveFactory(
        cycle=graded_cycle, team=team, owner=lead, title="Notre marketing anime nos communautés"
    )
    KeyResultFactory(objective=objective, owner=member, current_value=Decimal(40))
    return objective


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


def test_whoever_grades_an_objective_is_asked_for_grades(to_grade, lead, member, outsider):
    reminders_send(now=MONDAY_MORNING)
    sent = by_recipient()
    assert sorted(sent) == sorted([lead.email, member.email])
    for message in sent.values():
        assert to_grade.title in message.body
        grading_url = reverse("objectives:grading", args=[to_grade.cycle_id])
        assert f"{grading_url}#objective-{to_grade.pk}" in message.body
        assert CHECK_IN_ASK not in message.body


def test_a_lead_of_the_team_grades_an_objective_they_do_not_own(to_grade, team, lead):
    person = UserFactory(email="owner-elsewhere@example.org")
    objective = ObjectiveFactory(cycle=to_grade.cycle, team=team, owner=person, title="Other")
    reminders_send(now=MONDAY_MORNING)
    assert objective.title in by_recipient()[lead.email].body


def test_a_grading_cycle_asks_for_no_check_in(graded_cycle):
    owner = UserFactory(email="kr-owner@example.org")
    objective = ObjectiveFactory(cycle=graded_cycle, owner=owner, went_well="Done")
    KeyResultFactory(objective=objective, owner=owner)
    reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []


def test_in_the_late_days_a_grading_cycle_still_asks_for_check_ins(
    graded_cycle, settings, to_grade, member
):
    settings.LATE_CHECKIN_DAYS = 7
    reminders_send(now=MONDAY_MORNING)
    body = by_recipient()[member.email].body
    assert CHECK_IN_ASK in body and to_grade.title in body


def test_after_the_late_days_check_ins_are_no_longer_asked_for(
    graded_cycle, settings, to_grade, member
):
    settings.LATE_CHECKIN_DAYS = 5
    reminders_send(now=MONDAY_MORNING)
    assert CHECK_IN_ASK not in by_recipient()[member.email].body


def test_an_objective_with_its_retrospective_is_graded(to_grade):
    to_grade.learned = "Start earlier"
    to_grade.save()
    reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []


@pytest.mark.parametrize("status", [Cycle.Status.PLANNING, Cycle.Status.CLOSED])
def test_no_grades_are_asked_outside_grading(graded_cycle, to_grade, status):
    Cycle.objects.filter(pk=graded_cycle.pk).update(status=status)
    reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []


def test_the_reminder_is_in_the_persons_language(to_grade, lead):
    lead.language = "fr"
    lead.save()
    reminders_send(now=MONDAY_MORNING)
    message = by_recipient()[lead.email]
    assert "L’évaluation est ouverte" in message.subject
    assert "Évaluer" in message.body
    assert "L’évaluation est ouverte" in message.alternatives[0][0]


def test_the_notification_leads_to_the_grading_page(to_grade, lead):
    reminders_send(now=MONDAY_MORNING)
    notification = Notification.objects.get(user=lead)
    assert notification.url == (
        f"{reverse('objectives:grading', args=[to_grade.cycle_id])}#objective-{to_grade.pk}"
    )
    assert "1 objective waits for its grades and retrospective." in notification.message


def test_running_twice_sends_once(to_grade, lead, member):
    first = reminders_send(now=MONDAY_MORNING)
    second = reminders_send(now=MONDAY_MORNING + datetime.timedelta(hours=3))
    assert len(mail.outbox) == 2
    assert sorted(first.sent) == sorted([lead.pk, member.pk]) and not second.sent
    assert Notification.objects.count() == 2
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_grades_and_check_ins_of_two_cycles_come_in_one_email(to_grade, member):
    active = CycleFactory(
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 12, 31),
        status=Cycle.Status.ACTIVE,
    )
    KeyResultFactory(objective=ObjectiveFactory(cycle=active, owner=member), owner=member)
    reminders_send(now=MONDAY_MORNING)
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert CHECK_IN_ASK in message.body and to_grade.title in message.body
    assert Notification.objects.get(user=member).url == reverse("checkins:my_week")


def test_opted_out_and_inactive_people_are_not_asked_for_grades(to_grade, lead, member):
    member.reminders_opt_out = True
    member.save()
    lead.is_active = False
    lead.save()
    reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []


def test_a_private_objectives_key_result_owner_outside_its_team_is_not_told_of_it(
    to_grade, outsider
):
    to_grade.visibility = "private"
    to_grade.save()
    KeyResultFactory(objective=to_grade, owner=outsider)
    assert outsider.pk not in grading.grades_due(TODAY)


@pytest.mark.parametrize("size", [3, 30])
def test_choosing_whom_to_ask_for_grades_takes_a_fixed_number_of_queries(
    graded_cycle, team, lead, django_assert_max_num_queries, size
):
    for _ in range(size):
        owner = UserFactory()
        objective = ObjectiveFactory(cycle=graded_cycle, team=team, owner=owner)
        KeyResultFactory(objective=objective, owner=UserFactory())
    with django_assert_max_num_queries(4):
        due = grading.grades_due(TODAY)
    assert len(due[lead.pk]) == size
    assert len(due) == 2 * size + 1
