"""The quarter's pages: cycle management for admins, planning in the editor, grading and
carry-over, with their refusals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import CarryOver, KeyResult, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle, Team
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(q1, team, lead):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Win the market")
    KeyResultFactory(objective=objective, current_value=Decimal(60), final_score=Decimal(60))
    objective_refresh_score(objective_id=objective.pk)
    return objective


def test_an_admin_sees_the_cycles_with_their_next_step(client, admin, q1, q2):
    client.force_login(admin)
    response = client.get(reverse("objectives:cycles"))
    assert response.status_code == 200
    assert reverse("objectives:cycle_move", args=[q2.pk, "active"]) in response.text
    assert reverse("objectives:cycle_move", args=[q1.pk, "closed"]) in response.text


@pytest.mark.parametrize("who", ["lead", "member"])
def test_only_admins_manage_cycles(client, request, who, q2):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("objectives:cycles")).status_code == 403
    assert client.post(reverse("objectives:cycle_move", args=[q2.pk, "active"])).status_code == 403
    q2.refresh_from_db()
    assert q2.status == Cycle.Status.PLANNING


def test_the_new_cycle_form_suggests_the_next_free_quarter(client, admin, q1, q2):
    client.force_login(admin)
    response = client.get(reverse("objectives:cycle_create"))
    suggested = Cycle.suggested()
    assert suggested["name"] in response.text


def test_an_overlapping_cycle_is_refused_on_the_form(client, admin, q2):
    client.force_login(admin)
    response = client.post(
        reverse("objectives:cycle_create"),
        {"name": "Overlap", "start_date": "2026-05-01", "end_date": "2026-08-01"},
    )
    assert response.status_code == 400
    assert "overlap" in response.text
    assert not Cycle.objects.filter(name="Overlap").exists()


def test_the_confirmation_says_how_many_key_results_had_no_recent_check_in(client, admin, team):
    active = CycleFactory(status=Cycle.Status.ACTIVE)
    KeyResultFactory(objective__cycle=active, objective__team=team)
    client.force_login(admin)
    response = client.get(reverse("objectives:cycle_move", args=[active.pk, "grading"]))
    assert "1 key result has had no check-in for two weeks" in response.text


def test_the_admin_starts_a_cycle_after_the_confirmation(client, admin, q2):
    client.force_login(admin)
    response = client.post(reverse("objectives:cycle_move", args=[q2.pk, "active"]))
    assert response.status_code == 302
    q2.refresh_from_db()
    assert q2.status == Cycle.Status.ACTIVE


def test_a_backward_move_is_not_found(client, admin, q1):
    client.force_login(admin)
    assert client.get(reverse("objectives:cycle_move", args=[q1.pk, "active"])).status_code == 404


def test_the_editor_offers_planning_and_active_cycles(client, lead, q1, q2):
    active = CycleFactory(
        name="Now",
        start_date=datetime.date(2025, 10, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Cycle.Status.ACTIVE,
    )
    client.force_login(lead)
    response = client.get(reverse("objectives:create"), {"cycle": q2.pk})
    assert response.status_code == 200
    assert f'<option value="{q2.pk}" selected>' in response.text
    assert f'<option value="{active.pk}"' in response.text
    assert (
        f'<option value="{q1.pk}"'
        not in response.text.split('id="editor-cycle"')[1].split("</select>")[0]
    )


def test_a_drafted_objective_is_saved_in_the_chosen_planning_cycle(client, lead, team, q2):
    client.force_login(lead)
    response = client.post(
        reverse("objectives:create") + f"?cycle={q2.pk}",
        {
            "title": "Next quarter's bet",
            "level": "team",
            "team": team.pk,
            "owner": lead.pk,
            "kind": "committed",
            "visibility": "public",
            "kr-TOTAL_FORMS": "1",
            "kr-INITIAL_FORMS": "0",
            "kr-0-title": "Reach ten",
            "kr-0-kind": "numeric",
            "kr-0-start_value": "0",
            "kr-0-target_value": "10",
            "kr-0-weight": "1",
            "kr-0-position": "0",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    assert Objective.objects.get(title="Next quarter's bet").cycle == q2


def test_the_board_marks_a_planning_cycle_as_a_draft(client, member, q2):
    client.force_login(member)
    response = client.get(reverse("objectives:board"), {"cycle": q2.pk})
    assert "Draft: this cycle is in planning" in response.text


def test_the_lead_grades_and_writes_the_retrospective_on_the_grading_page(client, lead, objective):
    key_result = objective.key_results.get()
    client.force_login(lead)
    response = client.post(
        reverse("objectives:grade", args=[objective.pk]),
        {
            f"kr-{key_result.pk}-final_score": "75",
            f"kr-{key_result.pk}-grade_note": "Late start",
            f"retro-{objective.pk}-went_well": "The team",
            f"retro-{objective.pk}-went_badly": "",
            f"retro-{objective.pk}-learned": "Start earlier",
        },
    )
    assert response.status_code == 302
    key_result.refresh_from_db()
    objective.refresh_from_db()
    assert (key_result.final_score, objective.final_score, objective.learned) == (
        Decimal(75),
        Decimal(75),
        "Start earlier",
    )


def test_a_grade_above_100_is_refused(client, lead, objective):
    key_result = objective.key_results.get()
    client.force_login(lead)
    client.post(
        reverse("objectives:grade", args=[objective.pk]),
        {f"kr-{key_result.pk}-final_score": "120", f"retro-{objective.pk}-went_well": ""},
    )
    key_result.refresh_from_db()
    assert key_result.final_score == Decimal(60)


def test_a_member_of_another_team_may_not_grade_on_the_page(client, outsider, objective):
    client.force_login(outsider)
    response = client.post(reverse("objectives:grade", args=[objective.pk]), {})
    assert response.status_code == 403


def test_the_grading_page_lists_only_what_the_viewer_grades(client, outsider, objective):
    client.force_login(outsider)
    response = client.get(reverse("objectives:grading", args=[objective.cycle_id]))
    assert response.status_code == 200
    assert "Win the market" not in response.text


def test_the_lead_keeps_an_objective_and_both_pages_show_the_link(client, lead, objective, q2):
    client.force_login(lead)
    response = client.post(
        reverse("objectives:carry_over", args=[objective.pk]),
        {f"carry-{objective.pk}-decision": "keep", f"carry-{objective.pk}-cycle": q2.pk},
    )
    assert response.status_code == 302
    copy = CarryOver.objects.get(source=objective).target
    assert (
        reverse("objectives:detail", args=[copy.pk])
        in client.get(reverse("objectives:detail", args=[objective.pk])).text
    )
    assert (
        reverse("objectives:detail", args=[objective.pk])
        in client.get(reverse("objectives:detail", args=[copy.pk])).text
    )


def test_an_outsider_may_not_carry_over_on_the_page(client, outsider, objective, q2):
    client.force_login(outsider)
    response = client.post(
        reverse("objectives:carry_over", args=[objective.pk]),
        {f"carry-{objective.pk}-decision": "abandon"},
    )
    assert response.status_code == 403
    assert not CarryOver.objects.exists()


def test_the_grading_page_reads_in_bounded_queries(
    client, lead, team, q1, q2, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            objective = ObjectiveFactory(cycle=q1, team=team, owner=lead)
            KeyResultFactory.create_batch(2, objective=objective)

    client.force_login(lead)
    url = reverse("objectives:grading", args=[q1.pk])
    add(2)
    with django_assert_max_num_queries(20):
        client.get(url)
    add(10)
    with django_assert_max_num_queries(20):
        assert client.get(url).text.count('class="card grading-card"') == 12
    assert KeyResult.objects.count() == 24


def test_the_dashboard_shows_no_score_for_a_planning_cycle(client, member, q2):
    client.force_login(member)
    response = client.get(reverse("dashboard"), {"cycle": q2.pk})
    assert response.status_code == 200
    assert "Draft: this cycle is in planning" in response.text
    assert "company-trend" not in response.text


def test_the_review_reads_each_team_with_its_subtree(client, member, team, lead, q1):
    from tests.factories import CheckInFactory

    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, final_score=Decimal(20))
    key_result = KeyResultFactory(objective=objective)
    CheckInFactory(
        key_result=key_result, created_at=datetime.datetime(2026, 1, 9, 15, tzinfo=datetime.UTC)
    )
    client.force_login(member)
    response = client.get(reverse("cycle_review", args=[q1.pk]))
    assert response.status_code == 200
    row = response.text.split(f'id="review-team-{team.pk}"')[1].split("</tr>")[0]
    assert "Low scores with few check-ins: look at the cadence first." in row
    assert "0 / 1" in row  # the committed objective did not reach 100


def test_the_review_reads_in_bounded_queries(
    client, member, company, q1, django_assert_max_num_queries
):
    from tests.factories import TeamFactory

    def add(count):
        for _ in range(count):
            team = TeamFactory(parent=company)
            KeyResultFactory(objective__cycle=q1, objective__team=team)

    client.force_login(member)
    url = reverse("cycle_review", args=[q1.pk])
    add(2)
    with django_assert_max_num_queries(14):
        client.get(url)
    add(10)
    with django_assert_max_num_queries(14):
        rows = client.get(url).text.count('id="review-team-')
    assert rows == Team.objects.count() == 14  # the company, the member's team and 12 more
