"""The weekly digest of a scope, against hand-built data: what it reports, and what it hides."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from checkins import conversation_services
from checkins.conversation_services.weekly import weekly_digest_scopes
from checkins.digests import Audience, last_week, weekly_digest_for, weekly_digest_text
from checkins.models import (
    Comment,
    EmailChoice,
    NotificationKind,
    NotificationPreference,
    WeeklyDigestDelivery,
)
from kpis.models import Measurement
from objectives.models import Objective, ScoreSnapshot
from okrapp.core.permissions import viewer_for
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    company_team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The builder writes in the active language; these tests read it in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def week():
    return last_week()


def _in(week, days=2):
    return week.start + datetime.timedelta(days=days, hours=10)


def _before(week, days=3):
    return week.start - datetime.timedelta(days=days)


def test_the_digest_reports_a_key_result_that_went_off_track_during_the_week(
    key_result, week, team
):
    CheckInFactory(key_result=key_result, confidence="on_track", created_at=_before(week))
    CheckInFactory(key_result=key_result, confidence="off_track", created_at=_in(week))

    digest = weekly_digest_for(team, week)

    assert [item.title for item in digest.off_track] == [key_result.title]
    assert digest.off_track[0].url.startswith("http")
    assert digest.off_track[0].url.endswith(f"/checkins/key-results/{key_result.pk}/")


def test_a_key_result_already_off_track_before_the_week_is_not_reported_again(
    key_result, week, team
):
    CheckInFactory(key_result=key_result, confidence="off_track", created_at=_before(week))
    CheckInFactory(key_result=key_result, confidence="off_track", created_at=_in(week))

    assert weekly_digest_for(team, week).off_track == []


def test_a_member_who_checked_in_last_week_but_not_this_week_is_listed_not_escalated(
    key_result, member, week, team
):
    CheckInFactory(key_result=key_result, created_at=_before(week))

    digest = weekly_digest_for(team, week)

    assert [line.name for line in digest.not_checked_in] == [str(member)]
    assert digest.not_checked_in[0].missing == 1
    assert digest.escalated == []


def test_a_member_silent_for_two_weeks_is_escalated(key_result, member, week, team):
    CheckInFactory(key_result=key_result, created_at=_before(week, days=10))

    digest = weekly_digest_for(team, week)

    assert [line.name for line in digest.escalated] == [str(member)]
    assert digest.not_checked_in == []


def test_a_member_who_checked_in_during_the_week_is_not_listed(key_result, week, team):
    CheckInFactory(key_result=key_result, created_at=_in(week))

    digest = weekly_digest_for(team, week)

    assert digest.not_checked_in == [] and digest.escalated == []


def test_the_most_discussed_items_come_first_with_their_comment_counts(
    key_result, objective, lead, member, week, team
):
    for _ in range(3):
        Comment.objects.create(
            objective=objective,
            key_result=key_result,
            author=member,
            body="On avance",
            created_at=_in(week),
        )
    Comment.objects.create(objective=objective, author=lead, body="Bravo", created_at=_in(week))
    Comment.objects.create(objective=objective, author=lead, body="Old", created_at=_before(week))

    digest = weekly_digest_for(team, week)

    assert [(item.title, item.note) for item in digest.most_discussed] == [
        (key_result.title, "3 comments"),
        (objective.title, "1 comment"),
    ]


def test_the_score_and_its_change_since_the_snapshot_before_the_week(
    cycle, objective, key_result, team, week
):
    Objective.objects.filter(pk=objective.pk).update(score=Decimal(60))
    ScoreSnapshot.objects.create(
        cycle=cycle,
        day=week.start.date() - datetime.timedelta(days=1),
        node_type=ScoreSnapshot.NodeType.TEAM,
        team=team,
        own_score=Decimal(45),
        rolled_up_score=Decimal(45),
    )

    digest = weekly_digest_for(team, week)

    assert (digest.score_now, digest.score_change) == (60, 15)
    assert "+15" in weekly_digest_text(digest)


def test_a_private_objective_is_masked_for_a_reader_who_may_not_see_it(
    cycle, company, team, lead, week
):
    """The company lead reads the company's digest; a private objective of a team she is not
    in is left out of every section, its comments too."""
    secret_team = MembershipFactory(team__name="R&D", team__parent=company).team
    insider = MembershipFactory(team=secret_team, user__display_name="Ines Insider").user
    objective = ObjectiveFactory(
        cycle=cycle,
        team=secret_team,
        owner=insider,
        visibility=Objective.Visibility.PRIVATE,
        title="Secret acquisition",
    )
    secret = KeyResultFactory(objective=objective, owner=insider, title="Buy the rival")
    CheckInFactory(key_result=secret, confidence="off_track", created_at=_in(week))
    Comment.objects.create(
        objective=objective, key_result=secret, author=insider, body="Hush", created_at=_in(week)
    )
    company_lead = MembershipFactory(team=company, role="lead").user

    digest = weekly_digest_for(company, week, Audience.person(viewer_for(company_lead)))
    text = weekly_digest_text(digest)

    assert digest.off_track == [] and digest.most_discussed == []
    assert "Buy the rival" not in text and "Secret acquisition" not in text
    insider_digest = weekly_digest_for(secret_team, week, Audience.person(viewer_for(insider)))
    assert [item.title for item in insider_digest.off_track] == ["Buy the rival"]


def test_the_team_channel_sees_its_own_private_objectives_but_not_another_teams(
    cycle, team, other_team, lead, outsider, week, company
):
    own = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility=Objective.Visibility.PRIVATE
    )
    theirs = ObjectiveFactory(
        cycle=cycle, team=other_team, owner=outsider, visibility=Objective.Visibility.PRIVATE
    )
    for objective in (own, theirs):
        CheckInFactory(
            key_result=KeyResultFactory(objective=objective),
            confidence="off_track",
            created_at=_in(week),
        )

    assert len(weekly_digest_for(team, week).off_track) == 1
    assert weekly_digest_for(company, week).off_track == []


def test_a_week_without_news_says_so(team, week):
    digest = weekly_digest_for(team, week)

    assert digest.is_quiet
    assert "quiet week" in weekly_digest_text(digest)


def test_last_week_is_the_week_before_the_current_one():
    now = timezone.now()
    assert last_week(now).end == last_week(now + datetime.timedelta(days=7)).start


# --- Sending: who gets it, once, in their language ---------------------------------------------


def test_leads_and_admins_get_the_weekly_digest_members_do_not(
    lead, member, admin, key_result, mailoutbox
):
    report = conversation_services.weekly_digests_send()

    assert sorted(report.sent) == sorted([lead.pk, admin.pk])
    assert sorted(message.to[0] for message in mailoutbox) == sorted([lead.email, admin.email])


def test_the_weekly_digest_is_html_with_a_text_part_and_absolute_links(
    lead, member, key_result, mailoutbox, settings
):
    settings.SITE_URL = "https://okr.example.com"
    conversation_services.weekly_digests_send()

    message = mailoutbox[0]
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "Marc Member" in message.body and "Marc Member" in html
    assert 'href="https://okr.example.com/people/' in html
    assert "https://okr.example.com/people/" in message.body
    assert 'href="/' not in html


def test_the_weekly_digest_is_written_in_the_recipients_language(lead, key_result, mailoutbox):
    lead.language = "fr"
    lead.save()

    conversation_services.weekly_digests_send()

    assert "Bonjour" in mailoutbox[0].body
    assert "Hello" not in mailoutbox[0].body


def test_the_weekly_digest_is_sent_once_per_person_and_week(lead, key_result, mailoutbox):
    conversation_services.weekly_digests_send()
    second = conversation_services.weekly_digests_send()

    assert second.sent == []
    assert len(mailoutbox) == 1
    assert WeeklyDigestDelivery.objects.get(user=lead).status == "sent"


def test_never_in_the_notification_settings_turns_the_weekly_digest_off(
    lead, key_result, mailoutbox
):
    NotificationPreference.objects.create(
        user=lead, kind=NotificationKind.WEEKLY_DIGEST, email=EmailChoice.NEVER
    )

    conversation_services.weekly_digests_send()

    assert mailoutbox == []


def test_a_failed_weekly_digest_is_put_back_and_sent_on_the_retry(
    lead, key_result, mailoutbox, monkeypatch
):
    from checkins.conversation_services import weekly

    real = weekly._send_one
    monkeypatch.setattr(weekly, "_send_one", lambda *a: (_ for _ in ()).throw(OSError("smtp")))
    assert conversation_services.weekly_digests_send().failed == [lead.pk]
    monkeypatch.setattr(weekly, "_send_one", real)

    assert conversation_services.weekly_digests_send().sent == [lead.pk]
    assert len(mailoutbox) == 1


def test_a_lead_of_a_team_and_its_sub_team_gets_one_section_per_scope(
    lead, team, key_result, mailoutbox
):
    sub_team = MembershipFactory(
        team__name="Brand", team__parent=team, user=lead, role="lead", is_primary=False
    ).team

    scopes = weekly_digest_scopes()

    assert scopes[lead.pk] == [team]
    assert sub_team not in scopes[lead.pk]


def test_the_escalation_reaches_the_leads_email(lead, member, key_result, mailoutbox):
    CheckInFactory(key_result=key_result, created_at=timezone.now() - datetime.timedelta(days=30))

    conversation_services.weekly_digests_send()

    body = mailoutbox[0].body
    assert "No check-in for two weeks" in body
    assert body.index("No check-in for two weeks") < body.index("Marc Member")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_weekly_digests_at_once_send_each_once(mailoutbox):
    """Two threads (two workers) run the weekly digest together: each person's row is claimed
    by one of them only, so each lead gets exactly one email."""
    team = TeamFactory(name="Ops", parent=company_team())
    leads = [MembershipFactory(team=team, role="lead").user for _ in range(6)]
    start = threading.Barrier(2)
    results: dict = {}

    def run(key):
        def work():
            start.wait(10)
            return conversation_services.weekly_digests_send()

        def body():
            try:
                results[key] = work()
            except Exception as exc:
                results[key] = exc
            finally:
                connection.close()

        return threading.Thread(target=body)

    threads = [run("a"), run("b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not any(isinstance(result, Exception) for result in results.values()), results
    sent = results["a"].sent + results["b"].sent
    assert sorted(sent) == sorted(lead.pk for lead in leads)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(lead.email for lead in leads)


def _measure(kpi, value, recorded_at, period_date=None):
    measurement = MeasurementFactory(
        kpi=kpi, value=Decimal(value), period_date=period_date or recorded_at.date()
    )
    Measurement.objects.filter(pk=measurement.pk).update(recorded_at=recorded_at)


def _kpis_section(digest):
    return next(section for section in digest.topics if section.name == "kpis")


def test_a_kpi_that_turned_alert_during_the_week_is_in_the_digest(team, lead, week):
    kpi = KPIFactory(
        team=team,
        owner=lead,
        name="Leads per week",
        target_value=Decimal(100),
        alert_threshold=Decimal(50),
        frequency="weekly",
    )
    _measure(kpi, 80, _before(week))
    _measure(kpi, 30, _in(week))
    steady = KPIFactory(team=team, owner=lead, frequency="weekly", target_value=Decimal(10))
    _measure(steady, 5, _before(week))
    _measure(steady, 4, _in(week))

    section = _kpis_section(weekly_digest_for(team, week))

    assert [(item.title, item.note) for item in section.items] == [("Leads per week", "Alert")]


def test_a_private_kpi_of_another_team_stays_out_of_the_team_channels_digest(
    company, team, other_team, outsider, week
):
    kpi = KPIFactory(team=other_team, owner=outsider, visibility="private", frequency="weekly")
    _measure(kpi, 80, _before(week))
    _measure(kpi, 1, _in(week))

    assert _kpis_section(weekly_digest_for(company, week)).items == []
    channel = weekly_digest_for(other_team, week)
    assert [item.title for item in _kpis_section(channel).items] == [kpi.name]


@pytest.mark.parametrize("size", [2, 20])
def test_the_digest_is_built_in_a_fixed_number_of_queries(
    cycle, team, lead, week, size, django_assert_max_num_queries
):
    for n in range(size):
        person = MembershipFactory(team=team).user
        objective = ObjectiveFactory(cycle=cycle, team=team, owner=person)
        key_result = KeyResultFactory(objective=objective, owner=person)
        CheckInFactory(key_result=key_result, confidence="off_track", created_at=_in(week))
        Comment.objects.create(objective=objective, author=lead, body=f"c{n}", created_at=_in(week))
        kpi = KPIFactory(team=team, owner=person, frequency="weekly")
        _measure(kpi, 80, _before(week))
        _measure(kpi, 1, _in(week))

    with django_assert_max_num_queries(13):
        digest = weekly_digest_for(team, week, Audience.person(viewer_for(lead)))

    assert len(digest.off_track) == size
    assert len(_kpis_section(digest).items) == size
