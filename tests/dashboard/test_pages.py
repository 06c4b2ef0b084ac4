"""The dashboard, the team page and the person page: what they show, to whom, at what cost."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import Confidence, Objective
from objectives.tasks import rollup_scores
from okrapp.core.models import Cycle
from tests.dashboard.conftest import SECRET, count_queries, get
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


# Dashboard ----------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, company):
    for url in ("/", f"/teams/{company.pk}/", f"/teams/{company.pk}/children/", "/people/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_dashboard_shows_the_live_company_score(
    client, member, public_objective, private_objective
):
    response = get(client, member, "/")
    assert response.status_code == 200
    # (60 + 20) / 2: the private objective counts.
    assert response.context["score"].rolled_up_score == D(40)
    assert response.context["score"].own_score is None


def test_dashboard_score_follows_a_new_score_at_once(client, member, public_objective):
    get(client, member, "/")
    Objective.objects.filter(pk=public_objective.pk).update(score=D(90))
    response = client.get("/")
    assert response.context["score"].rolled_up_score == D(90)


def test_dashboard_counts_confidence_and_this_weeks_check_ins(
    client, member, cycle, public_objective, private_objective
):
    KeyResultFactory(objective=public_objective)  # never checked in
    response = get(client, member, "/")
    counts = {item.key: item.count for item in response.context["confidence"]}
    assert counts == {"on_track": 1, "at_risk": 0, "off_track": 1, "none": 1}
    assert (response.context["checked_in"], response.context["key_results"]) == (2, 3)
    assert response.context["coverage"] == 67


def test_last_weeks_check_in_does_not_cover_this_week(client, member, public_objective):
    key_result = public_objective.key_results.get()
    key_result.last_checkin_at = timezone.now() - datetime.timedelta(days=8)
    key_result.save()
    response = get(client, member, "/")
    assert response.context["checked_in"] == 0


def test_needs_attention_lists_off_track_and_stale_key_results(
    client, member, cycle, public_objective, private_objective
):
    stale = KeyResultFactory(
        objective=public_objective,
        title="Stale key result",
        confidence=Confidence.ON_TRACK,
        last_checkin_at=timezone.now() - datetime.timedelta(days=15),
    )
    response = get(client, member, "/")
    listed = [item.key_result_id for item in response.context["attention"]]
    assert listed == [private_objective.key_results.get().pk, stale.pk]
    assert response.context["attention_total"] == 2
    assert "Stale key result" in response.content.decode()


def test_private_titles_are_hidden_from_those_not_allowed(client, member, private_objective):
    content = get(client, member, "/").content.decode()
    assert SECRET not in content
    assert "Secret key result" not in content
    assert "Private objective" in content


def test_private_titles_show_to_the_owner_team(client, outsider, private_objective):
    content = get(client, outsider, "/").content.decode()
    assert "Secret key result" in content


def test_dashboard_lists_top_level_teams_with_their_scores(
    client, member, team, other_team, public_objective, private_objective
):
    response = get(client, member, "/")
    rows = {row.team.pk: row for row in response.context["rows"]}
    assert set(rows) == {team.pk, other_team.pk}
    assert rows[team.pk].score.own_score == D(60)
    assert rows[other_team.pk].score.rolled_up_score == D(20)


def test_team_branch_is_an_htmx_partial(client, cycle, member, team):
    child = TeamFactory(name="Acquisition", parent=team)
    response = get(client, member, f"/teams/{team.pk}/children/", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="team-{child.pk}"' in content
    assert "<html" not in content


def test_team_branch_without_htmx_opens_the_dashboard_there(client, cycle, member, team):
    child = TeamFactory(name="Acquisition", parent=team)
    response = get(client, member, f"/teams/{team.pk}/children/")
    assert response.status_code == 302
    assert response["Location"] == f"/?open={team.pk}#team-{team.pk}"
    content = client.get(f"/?open={team.pk}").content.decode()
    assert f'id="team-{child.pk}"' in content
    assert 'aria-expanded="true"' in content


def test_dashboard_of_a_past_cycle_shows_its_final_scores(client, member, team):
    past = CycleFactory(status=Cycle.Status.CLOSED, name="T1 2020")
    ObjectiveFactory(cycle=past, team=team, score=D(75))
    response = get(client, member, f"/?cycle={past.pk}")
    assert response.context["cycle"] == past
    assert response.context["score"].rolled_up_score == D(75)
    assert "Final scores" in response.content.decode()


def test_dashboard_trend_comes_from_the_snapshots(client, member, cycle, public_objective):
    rollup_scores(cycle.pk, day=timezone.localdate() - datetime.timedelta(days=1))
    response = get(client, member, "/")
    chart = response.context["chart"]
    assert len(chart["labels"]) == 2  # yesterday's snapshot, then today's live score
    assert chart["datasets"][0]["data"] == [60.0, 60.0]


def test_dashboard_without_a_cycle_says_so(client, member):
    from okrapp.core.models import Cycle as CycleModel

    CycleModel.objects.all().delete()
    response = get(client, member, "/")
    assert response.status_code == 200
    assert "No cycle yet" in response.content.decode()


# Team and person pages ----------------------------------------------------------------


def test_team_page_shows_objectives_members_and_scores(
    client, outsider, team, lead, member, public_objective
):
    ObjectiveFactory(
        cycle=public_objective.cycle,
        team=team,
        owner=member,
        level=Objective.Level.INDIVIDUAL,
        score=D(30),
    )
    response = get(client, outsider, f"/teams/{team.pk}/")
    assert response.status_code == 200
    assert "Our newsletter is loved" in response.content.decode()
    members = {line.membership.user_id: line.score for line in response.context["members"]}
    assert members == {lead.pk: None, member.pk: D(30)}
    assert response.context["score"].rolled_up_score == D(45)


def test_team_page_hides_private_titles_but_counts_their_scores(
    client, member, other_team, private_objective
):
    ObjectiveFactory(
        cycle=private_objective.cycle,
        team=other_team,
        visibility=Objective.Visibility.PRIVATE,
        title="Private team plan",
        score=D(80),
    )
    response = get(client, member, f"/teams/{other_team.pk}/")
    content = response.content.decode()
    assert "Private team plan" not in content
    assert "Private objective" in content
    assert response.context["score"].rolled_up_score == D(50)


@pytest.mark.django_db(transaction=True)
def test_a_team_page_read_by_one_who_may_see_a_private_title_hides_it_from_others(
    client, member, outsider, cycle, other_team
):
    ObjectiveFactory(
        cycle=cycle,
        team=other_team,
        visibility=Objective.Visibility.PRIVATE,
        title="Private team plan",
        score=D(80),
    )
    assert "Private team plan" in get(client, outsider, f"/teams/{other_team.pk}/").content.decode()
    content = get(client, member, f"/teams/{other_team.pk}/").content.decode()
    assert "Private team plan" not in content
    assert "Private objective" in content


@pytest.mark.django_db(transaction=True)
def test_a_team_page_shows_an_objective_added_after_it_was_read(client, member, cycle, team):
    get(client, member, f"/teams/{team.pk}/")
    ObjectiveFactory(cycle=cycle, team=team, title="Launch the podcast")
    assert "Launch the podcast" in get(client, member, f"/teams/{team.pk}/").content.decode()


def test_unknown_team_or_person_is_404(client, member):
    assert get(client, member, "/teams/9999/").status_code == 404
    assert client.get("/people/9999/").status_code == 404


def test_person_page_shows_objectives_key_results_and_score(client, member, lead, public_objective):
    response = get(client, member, f"/people/{lead.pk}/")
    content = response.content.decode()
    assert "Our newsletter is loved" in content
    assert "50 % of subscribers open each month" in content
    assert response.context["score"] is None  # a team objective is not a personal one


def test_person_page_hides_private_objectives_and_their_key_results(
    client, member, outsider, private_objective
):
    response = get(client, member, f"/people/{outsider.pk}/")
    content = response.content.decode()
    assert SECRET not in content and "Secret key result" not in content
    assert response.context["score"] == D(20)


def test_person_page_shows_own_private_objectives(client, outsider, private_objective):
    content = get(client, outsider, f"/people/{outsider.pk}/").content.decode()
    assert SECRET in content


@pytest.mark.django_db(transaction=True)
def test_person_page_kept_for_the_owner_still_hides_private_objectives_from_others(
    client, member, outsider, private_objective
):
    """What the page shows is kept until the next write (person_shown), private objectives
    included: they are masked for each viewer after the read."""
    assert SECRET in get(client, outsider, f"/people/{outsider.pk}/").content.decode()
    content = get(client, member, f"/people/{outsider.pk}/").content.decode()
    assert SECRET not in content and "Secret key result" not in content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [2, 30])
def test_person_page_seen_again_reads_what_it_kept(
    client, member, lead, cycle, team, size, django_assert_max_num_queries
):
    """Seen again before any write: 7 queries with the session's and the layout's, whatever
    the person owns."""
    for _index in range(size):
        KeyResultFactory(objective=ObjectiveFactory(owner=lead, team=team, cycle=cycle))
    client.force_login(member)
    client.get(f"/people/{lead.pk}/")
    with django_assert_max_num_queries(7):
        response = client.get(f"/people/{lead.pk}/")
    assert len(response.context["objectives"]) == size


def test_person_page_counts_the_check_in_streak(client, member, public_objective):
    key_result = public_objective.key_results.get()
    now = timezone.now()
    for weeks in (0, 1, 2, 4):
        CheckInFactory(
            key_result=key_result, author=member, created_at=now - datetime.timedelta(weeks=weeks)
        )
    response = get(client, member, f"/people/{member.pk}/")
    assert response.context["streak"] == 3


# Bounded queries ----------------------------------------------------------------------


def grow(cycle, company, teams: int):
    """`teams` more teams, each with a sub-team, people, objectives, key results, check-ins."""
    for index in range(teams):
        team = TeamFactory(parent=company)
        sub_team = TeamFactory(parent=team)
        for on in (team, sub_team):
            person = MembershipFactory(team=on, user__password=None).user
            for level, visibility in (
                (Objective.Level.TEAM, Objective.Visibility.PUBLIC),
                (Objective.Level.INDIVIDUAL, Objective.Visibility.PRIVATE),
            ):
                objective = ObjectiveFactory(
                    cycle=cycle,
                    team=on,
                    owner=person,
                    level=level,
                    visibility=visibility,
                    score=D(index),
                )
                key_result = KeyResultFactory(
                    objective=objective,
                    confidence=Confidence.OFF_TRACK if index % 2 else Confidence.AT_RISK,
                    last_checkin_at=timezone.now() - datetime.timedelta(days=20 * (index % 2)),
                )
                CheckInFactory(key_result=key_result, author=person)


PAGES = ["/", "/teams/{team}/", "/teams/{company}/", "/people/{person}/", "/teams/{team}/children/"]
# The dashboard also reads the KPIs, what changed this week and who has not checked in.
BUDGET = {"/": 26}


@pytest.mark.parametrize("page", PAGES)
def test_pages_issue_the_same_number_of_queries_for_a_ten_times_larger_organisation(
    client, cycle, company, team, member, page, django_assert_max_num_queries
):
    ObjectiveFactory(cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL)
    url = page.format(team=team.pk, company=company.pk, person=member.pk)
    headers = {"HTTP_HX_REQUEST": "true"} if "children" in url else {}
    client.force_login(member)
    client.get("/")  # the session is warm, as for any later page

    grow(cycle, company, 2)
    small = count_queries(client, url, **headers)
    grow(cycle, company, 18)
    large = count_queries(client, url, **headers)
    assert large == small
    with django_assert_max_num_queries(BUDGET.get(page, 18)):
        client.get(url, **headers)


def test_dashboard_of_a_closed_cycle_does_not_count_this_weeks_check_ins(client, member, team):
    closed = CycleFactory(status=Cycle.Status.CLOSED)
    response = get(client, member, reverse("dashboard") + f"?cycle={closed.pk}")
    assert "no more weekly check-ins" in response.content.decode()
