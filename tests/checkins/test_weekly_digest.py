"""The weekly digest of a scope, against hand-built data: what it reports, and what it hides."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from checkins.digests import Audience, last_week, weekly_digest_for, weekly_digest_text
from checkins.models import Comment
from objectives.models import Objective, ScoreSnapshot
from okrapp.core.permissions import viewer_for
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db


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
