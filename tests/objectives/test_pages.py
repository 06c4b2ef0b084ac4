"""OKR pages: board, objective page, alignment, editor (with htmx rows and the coach)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives import selectors
from objectives.models import Initiative, KeyResult, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle
from tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def company_objective(cycle, company, admin):
    objective = ObjectiveFactory(
        cycle=cycle,
        level=Objective.Level.COMPANY,
        team=company,
        owner=admin,
        title="Our customers form a loyal community",
    )
    KeyResultFactory(objective=objective, current_value=Decimal(80), title="Raise NPS to 50")
    objective_refresh_score(objective_id=objective.pk)
    return objective


@pytest.fixture
def team_objective(cycle, team, lead, company_objective):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, parent=company_objective, title="Marketing animates"
    )
    KeyResultFactory(
        objective=objective,
        title="50 % active newsletter subscribers",
        start_value=Decimal(30),
        target_value=Decimal(50),
        current_value=Decimal(45),
        unit="%",
        confidence="at_risk",
    )
    objective_refresh_score(objective_id=objective.pk)
    return objective


def editor_data(**overrides):
    data = {
        "title": "Our community loves our newsletter",
        "description": "",
        "level": "team",
        "team": "",
        "owner": "",
        "parent": "",
        "kind": "committed",
        "visibility": "public",
        "kr-TOTAL_FORMS": "2",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "1000",
        "kr-0-title": "Reach 500 subscribers",
        "kr-0-kind": "numeric",
        "kr-0-start_value": "100",
        "kr-0-target_value": "500",
        "kr-0-current_value": "",
        "kr-0-unit": "subscribers",
        "kr-0-weight": "1",
        "kr-0-position": "0",
        "kr-1-title": "Raise the open rate to 50 %",
        "kr-1-kind": "percentage",
        "kr-1-start_value": "30",
        "kr-1-target_value": "50",
        "kr-1-current_value": "40",
        "kr-1-unit": "%",
        "kr-1-weight": "1",
        "kr-1-position": "1",
    }
    data.update(overrides)
    return data


# --- Board ----------------------------------------------------------------------------------


def test_board_shows_company_objectives_then_teams_with_key_results(
    client, member, team_objective, company_objective
):
    client.force_login(member)
    page = client.get(reverse("objectives:board")).content.decode()
    assert page.index(company_objective.title) < page.index(team_objective.title)
    assert "50 % active newsletter subscribers" in page
    assert "45 / 50\u00a0%" in page  # with_unit: the unit never wraps away from its value
    assert "pill-at_risk" in page
    assert 'class="score band-green"' in page  # company objective at 80


def test_board_lists_my_individual_objectives_in_their_own_section(client, member, cycle, team):
    mine = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL, title="I grow"
    )
    client.force_login(member)
    page = client.get(reverse("objectives:board")).content.decode()
    assert page.index("My objectives") < page.index(mine.title)


def test_board_filters_live_in_the_url(client, member, team_objective, company_objective):
    client.force_login(member)
    page = client.get(reverse("objectives:board"), {"level": "company"}).content.decode()
    assert company_objective.title in page
    assert team_objective.title not in page


def test_board_text_filter_searches_key_results(client, member, team_objective, company_objective):
    client.force_login(member)
    page = client.get(reverse("objectives:board"), {"q": "NEWSLETTER"}).content.decode()
    assert team_objective.title in page
    assert company_objective.title not in page


def test_board_team_filter_includes_sub_teams(client, member, cycle, team, other_team):
    sub_team = TeamFactory(parent=team, name="Content")
    inside = ObjectiveFactory(cycle=cycle, team=sub_team, title="Inside marketing")
    outside = ObjectiveFactory(cycle=cycle, team=other_team, title="Sales stuff")
    client.force_login(member)
    page = client.get(reverse("objectives:board"), {"team": team.pk}).content.decode()
    assert inside.title in page
    assert outside.title not in page


def test_board_htmx_filter_returns_only_the_results(client, member, team_objective):
    client.force_login(member)
    response = client.get(reverse("objectives:board"), {"q": "x"}, HTTP_HX_TARGET="results", **HX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page


def test_board_hides_private_objectives_from_outsiders(client, outsider, member, cycle, team):
    ObjectiveFactory(
        cycle=cycle, team=team, title="Secret plan", visibility=Objective.Visibility.PRIVATE
    )
    client.force_login(outsider)
    assert "Secret plan" not in client.get(reverse("objectives:board")).content.decode()
    client.force_login(member)
    assert "Secret plan" in client.get(reverse("objectives:board")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_board_cards_kept_for_one_viewer_never_show_a_private_objective_to_another(
    client, outsider, member, cycle, team
):
    """The cards of a page are kept until the next write (objectives.cards), under the ids
    of the objectives the viewer may see: an outsider's page has other ids."""
    ObjectiveFactory(
        cycle=cycle, team=team, title="Secret plan", visibility=Objective.Visibility.PRIVATE
    )
    ObjectiveFactory(cycle=cycle, team=team, title="Open plan")
    client.force_login(member)
    assert "Secret plan" in client.get(reverse("objectives:board")).content.decode()
    client.force_login(outsider)
    page = client.get(reverse("objectives:board")).content.decode()
    assert "Open plan" in page and "Secret plan" not in page


@pytest.mark.django_db(transaction=True)
def test_board_counts_kept_for_one_viewer_are_not_another_viewers(
    client, outsider, member, cycle, team
):
    """The board's count is kept until the next write, under what decides what the viewer
    sees and the filters: an outsider is not told how many private objectives there are."""
    ObjectiveFactory(cycle=cycle, team=team, visibility=Objective.Visibility.PRIVATE)
    ObjectiveFactory(cycle=cycle, team=team)
    client.force_login(member)
    assert client.get(reverse("objectives:board")).context["board"].count == 2
    client.force_login(outsider)
    assert client.get(reverse("objectives:board")).context["board"].count == 1
    assert client.get(reverse("objectives:board"), {"q": "nothing"}).context["board"].count == 0


@pytest.mark.django_db(transaction=True)
def test_board_counts_kept_for_one_admin_leave_out_only_that_admins_own_objectives(
    client, admin, cycle, team
):
    """An admin's own individual objectives are listed apart from the teams' (the board's
    last section), so the teams' count differs from one admin to the next."""
    ObjectiveFactory(cycle=cycle, team=team, owner=admin, level=Objective.Level.INDIVIDUAL)
    ObjectiveFactory(cycle=cycle, team=team)
    other_admin = UserFactory(is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("objectives:board")).context["board"].count == 2
    client.force_login(other_admin)
    assert client.get(reverse("objectives:board")).context["board"].count == 2


def test_anonymous_visitor_is_sent_to_sign_in(client, cycle):
    for url in [
        reverse("objectives:board"),
        reverse("objectives:alignment"),
        reverse("objectives:create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _many_objectives(cycle, team, lead, count):
    for n in range(count):
        sub_team = TeamFactory(parent=team) if n % 5 == 0 else team
        objective = ObjectiveFactory(cycle=cycle, team=sub_team, owner=lead)
        KeyResultFactory.create_batch(3, objective=objective, current_value=Decimal(n))
        objective_refresh_score(objective_id=objective.pk)


@pytest.mark.parametrize("view", ["objectives:board", "objectives:alignment"])
def test_list_pages_issue_the_same_queries_for_5_and_50_objectives(
    client, django_assert_max_num_queries, member, lead, cycle, team, view
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    _many_objectives(cycle, team, lead, 5)
    client.get(reverse(view))  # the session settles
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(view)).status_code == 200
    _many_objectives(cycle, team, lead, 45)
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse(view)).status_code == 200


def test_board_issues_the_same_queries_for_5_and_50_of_every_section(
    client, django_assert_max_num_queries, lead, admin, company, cycle, team
):
    """Company objectives, others' team and individual ones and the viewer's own: the
    number of queries does not grow with any section."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for n in range(count):
            level = [Objective.Level.COMPANY, Objective.Level.TEAM, Objective.Level.INDIVIDUAL][
                n % 3
            ]
            objective = ObjectiveFactory(
                cycle=cycle,
                level=level,
                team=company if level == Objective.Level.COMPANY else team,
                owner=admin if level == Objective.Level.COMPANY else lead,
                visibility=Objective.Visibility.PRIVATE if n % 4 == 0 else "public",
            )
            KeyResultFactory.create_batch(2, objective=objective, confidence="on_track")
            objective_refresh_score(objective_id=objective.pk)

    client.force_login(lead)
    url = reverse("objectives:board")
    add(5)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert 'id="mine-heading"' in page and 'id="company-heading"' in page
    add(45)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_board_seen_again_reads_its_cards_and_count_as_kept(
    client, django_assert_max_num_queries, member, lead, cycle, team, size
):
    """Seen again before any write, the board reads only which objectives are on its page:
    their cards and the count are kept (objectives.cards, okrapp.core.freshness): 9 queries
    with the session's and the page's own, whatever the number of objectives."""
    _many_objectives(cycle, team, lead, size)
    client.force_login(member)
    client.get(reverse("objectives:board"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("objectives:board"))
    cards = response.content.decode().count('class="okr-card"')
    assert cards == min(size, selectors.BOARD_PAGE_SIZE)


def test_objective_page_issues_the_same_queries_for_5_and_50_aligned_objectives(
    client, django_assert_max_num_queries, member, lead, cycle, team, team_objective
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            child = ObjectiveFactory(
                cycle=cycle, team=team, parent=team_objective, level=Objective.Level.INDIVIDUAL
            )
            key_result = KeyResultFactory(objective=team_objective)
            InitiativeFactory(key_result=key_result)
            KeyResultFactory(objective=child)

    client.force_login(member)
    url = reverse("objectives:detail", args=[team_objective.pk])
    add(5)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(45)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


# --- Objective page and alignment -----------------------------------------------------------


def test_objective_page_shows_chain_key_results_initiatives_and_aligned(
    client, member, cycle, team, team_objective, company_objective
):
    InitiativeFactory(key_result=team_objective.key_results.get(), title="Launch the campaign")
    child = ObjectiveFactory(
        cycle=cycle, team=team, parent=team_objective, level=Objective.Level.INDIVIDUAL
    )
    client.force_login(member)
    page = client.get(reverse("objectives:detail", args=[team_objective.pk])).content.decode()
    assert company_objective.title in page  # the chain up to the company
    assert "50 % active newsletter subscribers" in page
    assert "Launch the campaign" in page
    assert child.title in page


@pytest.mark.django_db(transaction=True)
def test_objective_page_kept_for_one_viewer_masks_private_objectives_for_another(
    client, lead, outsider, cycle, team, team_objective
):
    """What the page shows is kept until the next write (objectives.objective_page), private
    objectives below included: a viewer who may not see them gets them masked all the same."""
    ObjectiveFactory(
        cycle=cycle,
        team=team,
        owner=lead,
        parent=team_objective,
        level=Objective.Level.INDIVIDUAL,
        visibility=Objective.Visibility.PRIVATE,
        title="Quietly hire a new head of sales",
    )
    url = reverse("objectives:detail", args=[team_objective.pk])
    client.force_login(lead)
    assert "Quietly hire a new head of sales" in client.get(url).content.decode()
    client.force_login(outsider)
    assert "Quietly hire a new head of sales" not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_objective_page_kept_for_one_viewer_masks_a_private_objective_of_the_chain(
    client, lead, outsider, cycle, team, team_objective
):
    team_objective.visibility = Objective.Visibility.PRIVATE
    team_objective.save()
    child = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, parent=team_objective, level=Objective.Level.INDIVIDUAL
    )
    url = reverse("objectives:detail", args=[child.pk])
    client.force_login(lead)
    assert team_objective.title in client.get(url).content.decode()
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert team_objective.title not in page and "A private objective" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_objective_page_seen_again_reads_what_it_kept(
    client, django_assert_max_num_queries, member, cycle, team, team_objective, size
):
    """Seen again before any write, the page reads its objective, key results, chain, aligned
    objectives and breadcrumbs as kept: 7 queries with the session's and the layout's,
    whatever the number of key results and aligned objectives."""
    for _ in range(size):
        ObjectiveFactory(
            cycle=cycle, team=team, parent=team_objective, level=Objective.Level.INDIVIDUAL
        )
        InitiativeFactory(key_result=KeyResultFactory(objective=team_objective))
    url = reverse("objectives:detail", args=[team_objective.pk])
    client.force_login(member)
    client.get(url)
    with django_assert_max_num_queries(7):
        page = client.get(url).content.decode()
    assert page.count('<span class="align-line">') == size


def test_objective_page_shows_edit_buttons_only_to_editors(client, lead, member, team_objective):
    url = reverse("objectives:detail", args=[team_objective.pk])
    edit_url = reverse("objectives:edit", args=[team_objective.pk])
    client.force_login(member)
    assert edit_url not in client.get(url).content.decode()
    client.force_login(lead)
    assert edit_url in client.get(url).content.decode()


def test_private_objective_does_not_exist_for_outsiders(client, outsider, cycle, team):
    private = ObjectiveFactory(cycle=cycle, team=team, visibility=Objective.Visibility.PRIVATE)
    client.force_login(outsider)
    assert client.get(reverse("objectives:detail", args=[private.pk])).status_code == 404


def test_alignment_view_nests_objectives_under_the_company(
    client, member, cycle, team, team_objective, company_objective
):
    child = ObjectiveFactory(
        cycle=cycle, team=team, parent=team_objective, level=Objective.Level.INDIVIDUAL
    )
    client.force_login(member)
    open_path = f"?open={company_objective.pk},{team_objective.pk}"
    page = client.get(reverse("objectives:alignment") + open_path).content.decode()
    assert page.index(company_objective.title) < page.index(team_objective.title)
    assert page.index(team_objective.title) < page.index(child.title)


# --- Editor ---------------------------------------------------------------------------------


def test_lead_creates_an_objective_with_key_results(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk))
    response = client.post(reverse("objectives:create"), data)
    objective = Objective.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("objectives:detail", args=[objective.pk])
    assert list(objective.key_results.values_list("title", flat=True)) == [
        "Reach 500 subscribers",
        "Raise the open rate to 50 %",
    ]
    first = objective.key_results.first()
    assert first.current_value == Decimal(100)  # starts at its start value
    assert objective.score == Decimal(25)


def test_editor_shows_errors_beside_the_field_and_keeps_what_was_typed(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), **{"kr-1-target_value": "30"})
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert 'id="id_kr-1-target_value_error"' in page
    assert "differ from the start value" in page
    assert 'value="Raise the open rate to 50 %"' in page
    assert not Objective.objects.exists()


def test_editor_errors_are_in_the_users_language(client, lead, team, cycle):
    lead.language = "fr"
    lead.save()
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), **{"kr-1-target_value": "30"})
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert "La cible doit différer de la valeur de départ" in page


def test_editor_alignment_error_is_shown_beside_the_parent(client, lead, team, other_team, cycle):
    sibling = ObjectiveFactory(cycle=cycle, team=other_team)
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), parent=str(sibling.pk))
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert 'id="id_parent_error"' in page


def test_editor_reorders_and_removes_rows(client, lead, team_objective):
    existing = team_objective.key_results.get()
    client.force_login(lead)
    data = editor_data(
        title=team_objective.title,
        team=str(team_objective.team_id),
        owner=str(lead.pk),
        parent=str(team_objective.parent_id),
        **{
            "kr-TOTAL_FORMS": "3",
            "kr-INITIAL_FORMS": "1",
            "kr-0-id": str(existing.pk),
            "kr-0-title": existing.title,
            "kr-0-kind": "percentage",
            "kr-0-start_value": "30",
            "kr-0-target_value": "50",
            "kr-0-current_value": "45",
            "kr-0-weight": "1",
            "kr-0-position": "0",
            "kr-0-DELETE": "on",
            "kr-1-title": "Reach 500 subscribers",
            "kr-1-kind": "numeric",
            "kr-1-start_value": "0",
            "kr-1-target_value": "500",
            "kr-1-weight": "1",
            "kr-1-position": "2",
            "kr-2-title": "Raise the open rate to 50 %",
            "kr-2-kind": "percentage",
            "kr-2-start_value": "30",
            "kr-2-target_value": "50",
            "kr-2-weight": "1",
            "kr-2-position": "1",
        },
    )
    response = client.post(reverse("objectives:edit", args=[team_objective.pk]), data)
    assert response.status_code == 302
    assert list(team_objective.key_results.values_list("title", flat=True)) == [
        "Raise the open rate to 50 %",
        "Reach 500 subscribers",
    ]
    assert not KeyResult.objects.filter(pk=existing.pk).exists()


def test_after_an_error_the_rows_keep_the_order_that_was_chosen(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(
        team=str(team.pk),
        owner=str(lead.pk),
        **{"kr-0-position": "1", "kr-1-position": "0", "kr-1-target_value": ""},
    )
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert 'id="id_kr-1-target_value_error"' in page
    assert page.index('id="row-kr-1"') < page.index('id="row-kr-0"')


def test_after_an_error_a_removed_row_stays_removed(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(
        team=str(team.pk),
        owner=str(lead.pk),
        **{
            "kr-TOTAL_FORMS": "3",
            "kr-0-target_value": "",
            "kr-2-title": "Launch the campaign",
            "kr-2-kind": "numeric",
            "kr-2-start_value": "0",
            "kr-2-target_value": "1",
            "kr-2-weight": "1",
            "kr-2-position": "2",
            "kr-2-DELETE": "on",
        },
    )
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert 'id="id_kr-0-target_value_error"' in page
    assert 'class="kr-row is-removed" id="row-kr-2"' in page
    assert 'name="kr-2-DELETE" id="id_kr-2-DELETE" checked' in page


def test_add_row_without_javascript_keeps_the_typed_rows(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), add_row="1")
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert 'name="kr-2-title"' in page
    assert 'value="Reach 500 subscribers"' in page
    assert not Objective.objects.exists()


def test_add_row_with_a_tampered_row_count_is_refused_cleanly(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), add_row="1")
    data["kr-TOTAL_FORMS"] = "abc"
    response = client.post(reverse("objectives:create"), data)
    assert response.status_code == 200
    assert not Objective.objects.exists()


def test_key_result_row_is_numbered_from_total_forms(client, lead, cycle):
    client.force_login(lead)
    response = client.get(reverse("objectives:key_result_row"), {"kr-TOTAL_FORMS": "4"}, **HX)
    page = response.content.decode()
    assert 'name="kr-4-title"' in page
    assert 'name="kr-4-DELETE"' in page
    assert 'id="id_kr-TOTAL_FORMS"' in page and 'value="5"' in page
    assert 'hx-swap-oob="true"' in page


def test_coach_warns_live_about_a_figure_in_the_title(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(title="Reach 500 fans", **{"kr-1-title": "Launch the campaign"})
    page = client.post(reverse("objectives:coach"), data, **HX).content.decode()
    assert 'id="coach"' in page
    assert 'id="coach-title"' in page and "figure" in page
    assert 'id="coach-kr-1"' in page and "sounds like a task" in page


def test_coach_counts_the_owners_objectives_in_the_cycle(client, lead, team, cycle):
    ObjectiveFactory.create_batch(3, cycle=cycle, team=team, owner=lead)
    client.force_login(lead)
    data = editor_data(owner=str(lead.pk))
    page = client.post(reverse("objectives:coach"), data, **HX).content.decode()
    assert "4 objectives at this level" in page


def test_coach_warnings_never_block_saving(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(
        title="Top 3 in 2026",
        team=str(team.pk),
        owner=str(lead.pk),
        **{"kr-TOTAL_FORMS": "1", "kr-0-title": "Launch the campaign"},
    )
    assert client.post(reverse("objectives:create"), data).status_code == 302
    assert Objective.objects.get().title == "Top 3 in 2026"


def test_edit_page_loads_with_existing_key_results(client, lead, team_objective):
    client.force_login(lead)
    page = client.get(reverse("objectives:edit", args=[team_objective.pk])).content.decode()
    assert 'value="50 % active newsletter subscribers"' in page
    assert 'value="50"' in page  # 50.0000 shown as 50


def test_delete_asks_for_confirmation_then_deletes(client, lead, team_objective):
    client.force_login(lead)
    url = reverse("objectives:delete", args=[team_objective.pk])
    assert "Delete the objective?" in client.get(url).content.decode()
    assert Objective.objects.filter(pk=team_objective.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=team_objective.pk).exists()


# --- Initiatives ----------------------------------------------------------------------------


def test_editor_adds_an_initiative_with_htmx(client, lead, team_objective):
    key_result = team_objective.key_results.get()
    client.force_login(lead)
    response = client.post(
        reverse("objectives:initiative_create", args=[key_result.pk]),
        {"title": "Launch the campaign"},
        **HX,
    )
    page = response.content.decode()
    assert page.lstrip().startswith(f'<div id="initiatives-{key_result.pk}"')
    assert "Launch the campaign" in page
    initiative = Initiative.objects.get()
    assert initiative.key_result == key_result
    assert initiative.owner == lead  # the person who adds it takes it on
    assert "Léa Lead" in page


def test_initiative_status_change_without_htmx_redirects(client, lead, team_objective):
    initiative = InitiativeFactory(key_result=team_objective.key_results.get())
    client.force_login(lead)
    response = client.post(
        reverse("objectives:initiative_status", args=[initiative.pk]), {"status": "doing"}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.DOING


def test_initiative_delete(client, lead, team_objective):
    initiative = InitiativeFactory(key_result=team_objective.key_results.get())
    client.force_login(lead)
    client.post(reverse("objectives:initiative_delete", args=[initiative.pk]), **HX)
    assert not Initiative.objects.exists()


def test_sub_team_objectives_appear_under_their_team(client, member, cycle, team):
    sub_team = TeamFactory(parent=team, name="Content & community")
    MembershipFactory(team=sub_team)
    ObjectiveFactory(cycle=cycle, team=sub_team, title="Our newsletter is awaited")
    client.force_login(member)
    page = client.get(reverse("objectives:board")).content.decode()
    assert page.index("Marketing") < page.index("Content &amp; community")
    assert "depth-1" in page


def test_closed_cycle_board_says_read_only(client, member, cycle):
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    client.force_login(member)
    page = client.get(reverse("objectives:board")).content.decode()
    assert reverse("objectives:create") not in page


def test_board_pages_the_teams_objectives_of_a_large_organisation(
    client, member, lead, cycle, team, company_objective
):
    from objectives.selectors import BOARD_PAGE_SIZE

    ObjectiveFactory.create_batch(
        BOARD_PAGE_SIZE + 5, cycle=cycle, team=team, owner=lead, title="Team objective"
    )
    client.force_login(member)
    first = client.get(reverse("objectives:board"))
    assert first.context["board"].count == BOARD_PAGE_SIZE + 6
    assert first.content.decode().count("Team objective") == BOARD_PAGE_SIZE
    assert company_objective.title in first.content.decode()
    second = client.get(reverse("objectives:board"), {"page": 2})
    assert second.content.decode().count("Team objective") == 5
    assert company_objective.title not in second.content.decode()


def test_board_page_link_keeps_the_filters(client, member, lead, cycle, team):
    from objectives.selectors import BOARD_PAGE_SIZE

    ObjectiveFactory.create_batch(BOARD_PAGE_SIZE + 1, cycle=cycle, team=team, owner=lead)
    client.force_login(member)
    response = client.get(reverse("objectives:board"), {"kind": "committed"})
    assert "kind=committed&amp;page=2" in response.content.decode()


def test_the_coach_counts_the_key_result_rows_on_screen(client, lead, team, cycle):
    client.force_login(lead)
    page = client.get(reverse("objectives:create")).content.decode()
    assert page.count("data-kr-row") == 3
    assert "Only 0 key results" not in page


def test_the_coach_leaves_removed_rows_out_of_its_count(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(**{"kr-1-DELETE": "on"})
    page = client.post(reverse("objectives:coach"), data, **HX).content.decode()
    assert "Only 1 key result" in page


def test_a_failed_save_opens_with_an_error_summary_linking_each_field(client, lead, team, cycle):
    client.force_login(lead)
    data = editor_data(title="", **{"kr-1-target_value": "lots"})
    response = client.post(reverse("objectives:create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index('class="error-summary"') : html.index('class="editor-layout"')]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_title"' in summary
    assert 'href="#id_kr-1-target_value"' in summary and "Key result 2" in summary
    assert 'id="id_kr-1-target_value"' in html


def test_the_editor_shows_no_summary_before_a_save(client, lead, team, cycle):
    client.force_login(lead)
    assert 'id="error-summary"' not in client.get(reverse("objectives:create")).content.decode()


def test_new_objective_goes_to_the_active_cycle_after_looking_at_a_closed_one(
    client, lead, team, cycle
):
    closed = Cycle.objects.create(
        name="T1 2020", start_date="2020-01-01", end_date="2020-03-31", status="closed"
    )
    client.force_login(lead)
    client.get(reverse("objectives:board"), {"cycle": closed.pk})  # remembered in the session
    response = client.get(reverse("objectives:create"))
    assert response.status_code == 200
    assert response.context["cycle"] == cycle


@pytest.mark.parametrize("owner", ["99999999999999999999", "²", "-1"])
def test_the_coach_takes_an_impossible_owner_for_no_owner(client, lead, cycle, team, owner):
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=owner)
    response = client.post(reverse("objectives:coach") + f"?cycle={cycle.pk}", data)
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["99999999999999999999", "²"])
def test_impossible_ids_in_query_strings_are_ignored(client, lead, cycle, raw):
    client.force_login(lead)
    assert client.get(reverse("objectives:create"), {"team": raw, "parent": raw}).status_code == 200
    assert client.get(reverse("kpis:board"), {"team": raw}).status_code == 200
    assert client.get(reverse("dashboard"), {"open": raw, "cycle": raw}).status_code == 200
    assert client.post(reverse("objectives:coach") + f"?objective={raw}", {}).status_code == 200
