from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import checkin_create, checkin_delete
from objectives.models import Objective
from okrapp.core.models import Membership
from okrapp.core.weeks import week_of
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

TEAM_WEEK = reverse("checkins:team_week")


def test_a_lead_sees_who_has_and_has_not_checked_in_this_week(
    client, lead, member, team, key_result
):
    other = KeyResultFactory(
        objective=key_result.objective, owner=member, title="Grow LinkedIn followers"
    )
    CheckInFactory(key_result=key_result)
    client.force_login(lead)
    response = client.get(TEAM_WEEK)
    assert response.status_code == 200
    (team_entry,) = response.context["teams"]
    person = next(p for p in team_entry.people if p.person == member)
    states = {kr.title: kr.checked_this_week for kr in person.key_results}
    assert states == {key_result.title: True, other.title: False}
    assert person.done == 1
    assert "1/2 checked in" in response.content.decode()


def test_a_lead_follows_the_sub_teams_too(client, lead, team, cycle):
    sub_team = TeamFactory(name="Acquisition", parent=team)
    newcomer = MembershipFactory(team=sub_team, user__display_name="Nina Newcomer").user
    KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=sub_team, owner=newcomer), owner=newcomer
    )
    client.force_login(lead)
    page = client.get(TEAM_WEEK).content.decode()
    assert "Acquisition" in page
    assert "Nina Newcomer" in page


def test_a_lead_does_not_see_teams_they_do_not_lead(client, lead, outsider):
    client.force_login(lead)
    assert "Olga Outsider" not in client.get(TEAM_WEEK).content.decode()


def test_a_parent_lead_does_not_see_private_key_results_of_a_sub_team(client, lead, team, cycle):
    sub_team = TeamFactory(name="Secret squad", parent=team)
    agent = MembershipFactory(team=sub_team).user
    objective = ObjectiveFactory(
        cycle=cycle, team=sub_team, owner=agent, visibility=Objective.Visibility.PRIVATE
    )
    KeyResultFactory(objective=objective, owner=agent, title="Hidden key result")
    client.force_login(lead)
    assert "Hidden key result" not in client.get(TEAM_WEEK).content.decode()


def test_a_key_result_list_drawn_for_an_admin_is_not_shown_to_a_lead_who_may_not_see_it(
    client, admin, lead, team, cycle
):
    sub_team = TeamFactory(name="Secret squad", parent=team)
    agent = MembershipFactory(team=sub_team).user
    objective = ObjectiveFactory(
        cycle=cycle, team=sub_team, owner=agent, visibility=Objective.Visibility.PRIVATE
    )
    KeyResultFactory(objective=objective, owner=agent, title="Hidden key result")
    client.force_login(admin)
    assert "Hidden key result" in client.get(TEAM_WEEK).content.decode()
    client.force_login(lead)
    assert "Hidden key result" not in client.get(TEAM_WEEK).content.decode()


def test_a_member_who_leads_nothing_is_refused(client, member):
    client.force_login(member)
    assert client.get(TEAM_WEEK).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(TEAM_WEEK).status_code == 302


def test_my_week_links_to_the_team_view_for_leads_only(client, lead, member):
    client.force_login(lead)
    assert TEAM_WEEK in client.get(reverse("checkins:my_week")).content.decode()
    client.force_login(member)
    assert TEAM_WEEK not in client.get(reverse("checkins:my_week")).content.decode()


@pytest.mark.parametrize("size", [5, 50])
def test_the_team_view_runs_a_bounded_number_of_queries(
    client, lead, team, cycle, django_assert_max_num_queries, size
):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    for _ in range(size):
        person = MembershipFactory(team=team, role=Membership.Role.MEMBER).user
        CheckInFactory(key_result=KeyResultFactory(objective=objective, owner=person))
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        response = client.get(TEAM_WEEK)
    assert sum(len(p.key_results) for p in response.context["teams"][0].people) == size


def _check_in(key_result, **fields):
    """Through the service, as people check in: it keeps the key result's last check-in."""
    return checkin_create(
        key_result=key_result,
        author=key_result.owner,
        value=Decimal(10),
        confidence="on_track",
        **fields,
    )


def _sub_teams(team, cycle, count, *, prefix="Squad"):
    teams = []
    for number in range(count):
        sub_team = TeamFactory(name=f"{prefix} {number:02}", parent=team)
        person = MembershipFactory(
            team=sub_team, user__display_name=f"Agent {prefix} {number}"
        ).user
        key_result = KeyResultFactory(
            objective=ObjectiveFactory(cycle=cycle, team=sub_team, owner=person), owner=person
        )
        if number % 2:
            _check_in(key_result)
        teams.append(sub_team)
    return teams


def test_beyond_a_few_teams_a_lead_gets_every_teams_numbers_and_their_own_teams_people(
    client, lead, member, team, cycle, key_result
):
    _sub_teams(team, cycle, 9)
    client.force_login(lead)
    response = client.get(TEAM_WEEK)
    summaries = {s.team.name: s for s in response.context["summaries"]}
    assert len(summaries) == 10
    assert (summaries["Squad 01"].done, summaries["Squad 00"].people_behind) == (1, 1)
    assert [entry.team for entry in response.context["teams"]] == [team]
    assert "Agent Squad 3" not in response.content.decode()


def test_a_team_chosen_in_the_table_shows_its_people(client, lead, team, cycle):
    squads = _sub_teams(team, cycle, 9)
    client.force_login(lead)
    response = client.get(TEAM_WEEK, {"team": squads[3].pk})
    assert [entry.team for entry in response.context["teams"]] == [squads[3]]
    assert "Agent Squad 3" in response.content.decode()


def test_a_team_one_does_not_follow_cannot_be_chosen(
    client, lead, team, cycle, other_team, outsider
):
    _sub_teams(team, cycle, 9)
    client.force_login(lead)
    response = client.get(TEAM_WEEK, {"team": other_team.pk})
    assert other_team not in [entry.team for entry in response.context["teams"]]
    assert outsider.display_name not in response.content.decode()


def test_the_numbers_leave_out_private_key_results_the_lead_may_not_see(client, lead, team, cycle):
    squads = _sub_teams(team, cycle, 9)
    agent = squads[0].memberships.get().user
    hidden = ObjectiveFactory(cycle=cycle, team=squads[0], owner=agent, visibility="private")
    KeyResultFactory(objective=hidden, owner=agent)
    client.force_login(lead)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert summaries[squads[0].pk].key_results == 1


# The numbers are shared by every viewer once committed (okrapp.core.freshness): these tests
# commit, as requests do, for the cache to serve the second request.
@pytest.mark.django_db(transaction=True)
def test_the_numbers_an_admin_saw_first_still_leave_out_what_a_lead_may_not_see(
    client, admin, lead, team, cycle
):
    squads = _sub_teams(team, cycle, 9)
    agent = squads[0].memberships.get().user
    hidden = ObjectiveFactory(cycle=cycle, team=squads[0], owner=agent, visibility="private")
    KeyResultFactory(objective=hidden, owner=agent)
    client.force_login(admin)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert summaries[squads[0].pk].key_results == 2
    client.force_login(lead)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert summaries[squads[0].pk].key_results == 1


def test_the_numbers_count_a_private_key_result_for_the_owner_of_its_objective(
    client, lead, team, cycle
):
    squads = _sub_teams(team, cycle, 9)
    agent = squads[0].memberships.get().user
    owned_by_lead = ObjectiveFactory(cycle=cycle, team=squads[0], owner=lead, visibility="private")
    KeyResultFactory(objective=owned_by_lead, owner=agent)
    client.force_login(lead)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert (summaries[squads[0].pk].key_results, summaries[squads[0].pk].people_behind) == (2, 1)


@pytest.mark.parametrize("teams", [10, 40])
def test_many_teams_take_a_bounded_number_of_queries(
    client, lead, team, cycle, django_assert_max_num_queries, teams
):
    _sub_teams(team, cycle, teams)
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        response = client.get(TEAM_WEEK)
    assert len(response.context["summaries"].object_list) == teams + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("teams", [10, 40])
def test_the_teams_and_their_numbers_are_read_once_until_the_next_write(
    client, lead, team, cycle, django_assert_max_num_queries, teams
):
    _sub_teams(team, cycle, teams)
    client.force_login(lead)
    client.get(TEAM_WEEK)
    with django_assert_max_num_queries(9):
        response = client.get(TEAM_WEEK)
    assert len(response.context["summaries"].object_list) == teams + 1


@pytest.mark.django_db(transaction=True)
def test_a_check_in_made_after_the_numbers_were_shared_shows_at_once(client, lead, team, cycle):
    squads = _sub_teams(team, cycle, 9)
    client.force_login(lead)
    client.get(TEAM_WEEK)
    _check_in(squads[0].memberships.get().user.key_results.get())
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert (summaries[squads[0].pk].done, summaries[squads[0].pk].people_behind) == (1, 0)


def test_a_check_in_before_this_week_leaves_its_key_result_behind_in_the_numbers(
    client, lead, team, cycle
):
    squads = _sub_teams(team, cycle, 9)
    key_result = squads[0].memberships.get().user.key_results.get()
    _check_in(key_result, created_at=week_of().start - datetime.timedelta(hours=1))
    client.force_login(lead)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert (summaries[squads[0].pk].done, summaries[squads[0].pk].people_behind) == (0, 1)


def test_a_check_in_deleted_this_week_no_longer_counts_in_the_numbers(client, lead, team, cycle):
    squads = _sub_teams(team, cycle, 9)
    key_result = squads[1].memberships.get().user.key_results.get()
    checkin_delete(checkin=key_result.checkins.get(), author=key_result.owner)
    client.force_login(lead)
    summaries = {s.team.pk: s for s in client.get(TEAM_WEEK).context["summaries"]}
    assert (summaries[squads[1].pk].done, summaries[squads[1].pk].people_behind) == (0, 1)
