from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.core.management.base import CommandError

from checkins import selectors
from checkins.models import Notification, Reminder
from checkins.services import reminders_send
from checkins.tasks import send_checkin_reminders
from kpis import reminders as kpi_reminders
from kpis.selectors import stale_kpis_by_owner
from okrapp.core import weeks
from okrapp.core.models import Cycle
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
# Monday 23 November 2026, 09:00 in Paris (08:00 UTC): ISO week 48.
MONDAY_MORNING = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _no_stale_kpis(monkeypatch):
    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", lambda today: {})


@pytest.fixture
def active_cycle():
    return CycleFactory(
        name="T4 2026",
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 12, 31),
        status=Cycle.Status.ACTIVE,
    )


def owner_of_key_result(cycle, **user):
    person = UserFactory(**user)
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, owner=person), owner=person
    )
    return person, key_result


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminds_every_owner_of_a_key_result_not_checked_in_this_week(active_cycle):
    due, _ = owner_of_key_result(active_cycle, email="due@example.org")
    report = reminders_send(now=MONDAY_MORNING)
    assert recipients() == ["due@example.org"]
    assert report.sent == [due.pk]
    assert Notification.objects.filter(user=due).count() == 1


def test_reminds_exactly_the_right_people(active_cycle):
    owner_of_key_result(active_cycle, email="due@example.org")
    owner_of_key_result(active_cycle, email="opted-out@example.org", reminders_opt_out=True)
    owner_of_key_result(active_cycle, email="inactive@example.org", is_active=False)
    _, checked = owner_of_key_result(active_cycle, email="checked@example.org")
    CheckInFactory(key_result=checked, created_at=MONDAY_MORNING - datetime.timedelta(hours=1))
    closed = CycleFactory(
        start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2026, 9, 30), status="closed"
    )
    owner_of_key_result(closed, email="closed-cycle@example.org")
    UserFactory(email="no-key-result@example.org")
    reminders_send(now=MONDAY_MORNING)
    assert recipients() == ["due@example.org"]


def test_a_person_with_one_key_result_checked_in_and_one_not_is_reminded_of_the_missing_one(
    active_cycle,
):
    person, done = owner_of_key_result(active_cycle)
    missing = KeyResultFactory(
        objective=done.objective, owner=person, title="Grow the webinar list"
    )
    CheckInFactory(key_result=done, created_at=MONDAY_MORNING - datetime.timedelta(hours=1))
    reminders_send(now=MONDAY_MORNING)
    (message,) = mail.outbox
    assert missing.title in message.body
    assert done.title not in message.body


def test_a_person_with_several_key_results_gets_one_email_listing_them_all(active_cycle):
    person, first = owner_of_key_result(active_cycle)
    second = KeyResultFactory(objective=first.objective, owner=person)
    reminders_send(now=MONDAY_MORNING)
    (message,) = mail.outbox
    assert first.title in message.body and second.title in message.body


def test_running_twice_sends_once(active_cycle):
    owner_of_key_result(active_cycle)
    first = reminders_send(now=MONDAY_MORNING)
    second = reminders_send(now=MONDAY_MORNING + datetime.timedelta(hours=2))
    assert len(mail.outbox) == 1
    assert len(first.sent) == 1 and len(second.skipped) == 1 and not second.sent
    assert Notification.objects.count() == 1
    assert Reminder.objects.get().status == Reminder.Status.SENT


def test_the_next_week_brings_a_new_reminder(active_cycle):
    owner_of_key_result(active_cycle)
    reminders_send(now=MONDAY_MORNING)
    reminders_send(now=MONDAY_MORNING + datetime.timedelta(days=7))
    assert len(mail.outbox) == 2
    assert sorted(Reminder.objects.values_list("iso_week", flat=True)) == [48, 49]


def test_a_failed_email_stays_pending_and_is_sent_on_retry_without_duplicating_others(
    active_cycle, monkeypatch
):
    owner_of_key_result(active_cycle, email="ok@example.org")
    flaky, _ = owner_of_key_result(active_cycle, email="flaky@example.org")
    original_send = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if "flaky@example.org" in message.to:
            raise ConnectionError("SMTP down")
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    report = reminders_send(now=MONDAY_MORNING)
    assert report.failed == [flaky.pk]
    assert recipients() == ["ok@example.org"]
    reminder = Reminder.objects.get(user=flaky)
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1
    assert not Notification.objects.filter(user=flaky).exists()

    monkeypatch.setattr(EmailMultiAlternatives, "send", original_send)
    retry = reminders_send(now=MONDAY_MORNING + datetime.timedelta(minutes=5))
    assert retry.sent == [flaky.pk]
    assert recipients() == ["flaky@example.org", "ok@example.org"]
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2


def test_a_reminder_already_sent_is_never_resent_even_if_the_claim_row_exists(active_cycle):
    person, _ = owner_of_key_result(active_cycle)
    Reminder.objects.create(user=person, iso_year=2026, iso_week=48, status=Reminder.Status.SENT)
    reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []


def test_a_pending_claim_left_by_a_crash_is_sent(active_cycle):
    person, _ = owner_of_key_result(active_cycle)
    Reminder.objects.create(user=person, iso_year=2026, iso_week=48)
    reminders_send(now=MONDAY_MORNING)
    assert len(mail.outbox) == 1


def test_a_claim_left_sending_by_a_crash_is_never_sent_again(active_cycle):
    # The worker claimed the row (committed), then died: the email may have gone out.
    person, _ = owner_of_key_result(active_cycle)
    Reminder.objects.create(
        user=person, iso_year=2026, iso_week=48, status=Reminder.Status.SENDING, attempts=1
    )
    report = reminders_send(now=MONDAY_MORNING)
    assert mail.outbox == []
    assert report.skipped == [person.pk]


def test_the_claim_is_committed_before_the_email_is_sent(active_cycle, monkeypatch):
    person, _ = owner_of_key_result(active_cycle)
    seen = []
    original_send = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        seen.append(Reminder.objects.get(user=person).status)
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    reminders_send(now=MONDAY_MORNING)
    assert seen == [Reminder.Status.SENDING]
    assert Reminder.objects.get(user=person).status == Reminder.Status.SENT


def test_a_failure_after_the_email_went_out_never_sends_it_again(active_cycle, monkeypatch):
    from checkins import services

    person, _ = owner_of_key_result(active_cycle)

    def broken(**kwargs):
        raise RuntimeError("database gone after the email was sent")

    monkeypatch.setattr(services, "_mark_sent", broken)
    first = reminders_send(now=MONDAY_MORNING)
    monkeypatch.undo()
    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", lambda today: {})
    second = reminders_send(now=MONDAY_MORNING + datetime.timedelta(minutes=5))
    assert len(mail.outbox) == 1
    assert first.sent == [person.pk] and second.skipped == [person.pk]


@pytest.mark.parametrize(
    ("zone", "checked_in_at_utc", "reminded"),
    [
        # Sunday 22 Nov 23:30 UTC is Monday 00:30 in Paris: the new week there…
        ("Europe/Paris", datetime.datetime(2026, 11, 22, 23, 30, tzinfo=UTC), False),
        # …but still Sunday, the previous week, in UTC.
        ("UTC", datetime.datetime(2026, 11, 22, 23, 30, tzinfo=UTC), True),
        # Sunday 22:30 UTC is Sunday 23:30 in Paris: the previous week in both.
        ("Europe/Paris", datetime.datetime(2026, 11, 22, 22, 30, tzinfo=UTC), True),
        # Monday 00:30 UTC: the new week in both.
        ("UTC", datetime.datetime(2026, 11, 23, 0, 30, tzinfo=UTC), False),
    ],
)
def test_the_week_starts_on_monday_midnight_in_the_organisations_time_zone(
    settings, active_cycle, zone, checked_in_at_utc, reminded
):
    settings.TIME_ZONE = zone
    _, key_result = owner_of_key_result(active_cycle)
    CheckInFactory(key_result=key_result, created_at=checked_in_at_utc)
    reminders_send(now=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(zone)))
    assert (len(mail.outbox) == 1) is reminded


def test_the_iso_week_of_a_sunday_night_depends_on_the_time_zone(settings):
    sunday_night_utc = datetime.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    settings.TIME_ZONE = "Europe/Paris"
    assert weeks.week_of(sunday_night_utc).iso_week == 48
    settings.TIME_ZONE = "UTC"
    assert weeks.week_of(sunday_night_utc).iso_week == 47


def test_the_reminder_is_written_in_the_persons_language(active_cycle, settings):
    settings.SITE_URL = "https://okr.example.com"
    owner_of_key_result(active_cycle, email="fr@example.org", language="fr")
    owner_of_key_result(active_cycle, email="en@example.org", language="en")
    owner_of_key_result(active_cycle, email="default@example.org", language="")
    reminders_send(now=MONDAY_MORNING)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "check-in" in by_recipient["en@example.org"].subject
    assert "Bonjour" in by_recipient["fr@example.org"].body
    assert "Bonjour" in by_recipient["default@example.org"].body
    assert "Hello" in by_recipient["en@example.org"].body
    for message in mail.outbox:
        assert "https://okr.example.com/checkins/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert 'href="https://okr.example.com/checkins/"' in html
    notification = Notification.objects.get(user__email="fr@example.org")
    assert "résultat clé" in notification.message
    assert notification.url == "/checkins/"


def test_owners_of_stale_kpis_are_reminded_in_the_same_email(active_cycle, monkeypatch):
    from tests.factories import KPIFactory

    person, _ = owner_of_key_result(active_cycle, email="both@example.org")
    kpi_only = UserFactory(email="kpi-only@example.org")
    opted_out = UserFactory(email="kpi-opted-out@example.org", reminders_opt_out=True)
    stale = {
        person.pk: [KPIFactory(owner=person, name="Newsletter open rate")],
        kpi_only.pk: [KPIFactory(owner=kpi_only, name="Bounce rate")],
        opted_out.pk: [KPIFactory(owner=opted_out, name="Organic visitors")],
    }
    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", lambda today: stale)
    reminders_send(now=MONDAY_MORNING)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["both@example.org", "kpi-only@example.org"]
    assert "Newsletter open rate" in by_recipient["both@example.org"].body
    assert "Bounce rate" in by_recipient["kpi-only@example.org"].body
    assert "KPI" in by_recipient["kpi-only@example.org"].subject


@pytest.mark.parametrize("size", [5, 40])
def test_choosing_whom_to_remind_takes_a_fixed_number_of_queries(
    active_cycle, django_assert_max_num_queries, size
):
    for _ in range(size):
        owner_of_key_result(active_cycle)
    with django_assert_max_num_queries(3):
        due = selectors.reminders_due(weeks.week_of(MONDAY_MORNING))
        titles = [kr.title for entry in due for kr in entry.key_results]
        names = [entry.person.email for entry in due]
    assert len(titles) == len(names) == size


def test_the_celery_task_sends_the_reminders(active_cycle):
    owner_of_key_result(active_cycle)
    result = send_checkin_reminders.apply().get()
    assert result["sent"] == 1
    assert len(mail.outbox) == 1


def test_the_celery_task_retries_a_failed_send(active_cycle, monkeypatch):
    owner_of_key_result(active_cycle, email="ok@example.org")
    owner_of_key_result(active_cycle, email="flaky@example.org")
    original_send = EmailMultiAlternatives.send
    failures = {"left": 1}

    def send(message, *args, **kwargs):
        if "flaky@example.org" in message.to and failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("SMTP down")
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    # Eagerly, Celery runs the retry at once, in the same call.
    send_checkin_reminders.apply(throw=False)
    assert recipients() == ["flaky@example.org", "ok@example.org"]
    flaky = Reminder.objects.get(user__email="flaky@example.org")
    assert (flaky.status, flaky.attempts) == (Reminder.Status.SENT, 2)


def test_the_management_command_sends_once(active_cycle, capsys):
    owner_of_key_result(active_cycle)
    call_command("send_checkin_reminders")
    call_command("send_checkin_reminders")
    assert len(mail.outbox) == 1
    assert "1 already sent" in capsys.readouterr().out


def test_the_management_command_fails_loudly_when_a_send_fails(active_cycle, monkeypatch):
    owner_of_key_result(active_cycle)

    def send(message, *args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    with pytest.raises(CommandError):
        call_command("send_checkin_reminders")


def test_the_beat_schedule_runs_the_task_weekly_at_the_configured_time():
    from okrapp.celery import app

    app.finalize()
    entry = app.conf.beat_schedule["send-checkin-reminders"]
    assert entry["task"] == "checkins.tasks.send_checkin_reminders"
    assert entry["schedule"].day_of_week == {1}
    assert entry["schedule"].hour == {9}


def test_decimal_values_appear_in_the_email(active_cycle):
    _, key_result = owner_of_key_result(active_cycle, language="fr")
    key_result.current_value = Decimal("12.5")
    key_result.save()
    reminders_send(now=MONDAY_MORNING)
    assert "12,5" in mail.outbox[0].body


def test_a_really_stale_kpi_brings_its_owner_a_reminder(active_cycle, monkeypatch):
    from tests.factories import KPIFactory, MeasurementFactory

    monkeypatch.setattr(kpi_reminders, "stale_kpis_due", stale_kpis_by_owner)
    owner = UserFactory(email="kpi-owner@example.org")
    kpi = KPIFactory(owner=owner, name="Taux d'ouverture newsletter")
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 6, 1))
    reminders_send(now=MONDAY_MORNING)
    (message,) = mail.outbox
    assert message.to == ["kpi-owner@example.org"]
    assert "Taux d'ouverture newsletter" in message.body


def test_the_html_email_declares_the_persons_language(active_cycle):
    owner_of_key_result(active_cycle, email="en@example.org", language="en")
    owner_of_key_result(active_cycle, email="fr@example.org", language="fr")
    reminders_send(now=MONDAY_MORNING)
    html = {message.to[0]: message.alternatives[0][0] for message in mail.outbox}
    assert '<html lang="en">' in html["en@example.org"]
    assert '<html lang="fr">' in html["fr@example.org"]


def _reminded_key_results(cycle, language):
    from checkins.services import checkin_create
    from objectives.models import KeyResult

    person = UserFactory(email=f"{language}@example.org", language=language)
    objective = ObjectiveFactory(cycle=cycle, owner=person, title="Our readers wait for us")
    numeric = KeyResultFactory(
        objective=objective,
        owner=person,
        title="Open rate",
        start_value=Decimal(0),
        target_value=Decimal(50),
        unit="%",
    )
    milestone = KeyResultFactory(
        objective=objective,
        owner=person,
        title="Platform chosen",
        kind=KeyResult.Kind.MILESTONE,
        start_value=Decimal(0),
        target_value=Decimal(1),
    )
    checkin_create(
        key_result=numeric,
        author=person,
        value=Decimal("12.5"),
        confidence="at_risk",
        created_at=timezone_aware(datetime.datetime(2026, 11, 16, 10)),
    )
    return numeric, milestone


def timezone_aware(moment):
    return moment.replace(tzinfo=PARIS)


def test_the_reminder_gives_each_key_result_its_value_target_score_confidence_and_link(
    active_cycle, settings
):
    settings.SITE_URL = "https://okr.example.com"
    numeric, milestone = _reminded_key_results(active_cycle, "en")
    reminders_send(now=MONDAY_MORNING)
    (message,) = mail.outbox
    body, (html, _) = message.body, message.alternatives[0]
    assert "12.5\u00a0%, target 50\u00a0%" in body
    assert "score 25" in body and "confidence At risk" in body
    assert "Not done" in body and "not scored yet" in body
    assert f"https://okr.example.com/checkins/key-results/{numeric.pk}/" in body
    assert f'href="https://okr.example.com/checkins/key-results/{milestone.pk}/"' in html
    assert body.count("https://okr.example.com/checkins/\n") == 1  # one link to My week
    assert "<td>Not done</td>" in html and "<td>25</td>" in html


def test_the_reminder_gives_the_same_in_french(active_cycle, settings):
    settings.SITE_URL = "https://okr.example.com"
    _reminded_key_results(active_cycle, "fr")
    reminders_send(now=MONDAY_MORNING)
    (message,) = mail.outbox
    body, (html, _) = message.body, message.alternatives[0]
    assert "12,5\u00a0%, cible 50\u00a0%" in body
    assert "score 25" in body and "confiance À risque" in body
    assert "Non fait" in body and "pas encore noté" in body
    assert "Faire le point :" in body
    assert "<td>Non fait</td>" in html
