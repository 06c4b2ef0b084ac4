from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import checkin_create
from objectives.models import Objective
from okrapp.core.models import Cycle
from okrapp.core.weeks import week_of
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

MY_WEEK = reverse("checkins:my_week")


def create_url(key_result):
    return reverse("checkins:checkin_create", args=[key_result.pk])


def form_data(key_result, **values):
    return {f"kr{key_result.pk}-{name}": value for name, value in values.items()}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(MY_WEEK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_week_lists_the_key_results_i_own_in_the_active_cycle(client, member, key_result, cycle):
    closed = Cycle.objects.create(
        name="T1 2020", start_date="2020-01-01", end_date="2020-03-31", status="closed"
    )
    KeyResultFactory(objective=ObjectiveFactory(cycle=closed), owner=member, title="Old KR")
    KeyResultFactory(objective=key_result.objective, title="Someone else's KR")
    client.force_login(member)
    page = client.get(MY_WEEK).content.decode()
    assert key_result.title in page
    assert "Old KR" not in page
    assert "Someone else&#x27;s KR" not in page


def test_my_week_shows_last_weeks_value_and_the_change_since(client, member, key_result):
    week = week_of()
    CheckInFactory(
        key_result=key_result, value=20, created_at=week.start - datetime.timedelta(days=3)
    )
    checkin_create(key_result=key_result, author=member, value=Decimal(35), confidence="on_track")
    client.force_login(member)
    response = client.get(MY_WEEK)
    row = response.context["rows"][0]
    assert row.last_week == Decimal(20)
    assert row.change == Decimal(15)
    assert row.key_result.checked_this_week
    assert "+15" in response.content.decode()


def test_a_key_result_checked_in_last_week_only_is_not_checked_in_this_week(
    client, member, key_result
):
    CheckInFactory(
        key_result=key_result, created_at=week_of().start - datetime.timedelta(minutes=1)
    )
    client.force_login(member)
    row = client.get(MY_WEEK).context["rows"][0]
    assert not row.key_result.checked_this_week
    assert "Not yet this week" in client.get(MY_WEEK).content.decode()


def test_checking_in_with_htmx_answers_with_the_row_alone(client, member, key_result):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        form_data(
            key_result, value="42", confidence="at_risk", comment="Better", blockers="Budget"
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert f'id="checkin-row-{key_result.pk}"' in page
    assert "Checked in this week" in page
    checkin = CheckIn.objects.get()
    assert (checkin.value, checkin.confidence, checkin.comment, checkin.blockers) == (
        Decimal(42),
        "at_risk",
        "Better",
        "Budget",
    )
    assert checkin.author == member


def test_checking_in_with_htmx_also_updates_the_weeks_progress_line(
    client, member, key_result, milestone
):
    client.force_login(member)
    assert client.get(MY_WEEK).context["checked_count"] == 0
    response = client.post(
        create_url(key_result),
        form_data(key_result, value="42", confidence="on_track"),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert 'id="week-progress" hx-swap-oob="true"' in page
    assert "Checked in this week: 1 of 2" in page


def test_checking_in_without_javascript_redirects_back(client, member, key_result):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        {**form_data(key_result, value="42", confidence="on_track"), "next": MY_WEEK},
    )
    assert response.status_code == 302
    assert response["Location"] == MY_WEEK
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(42)


def test_a_french_decimal_is_accepted(client, member, key_result):
    member.language = "fr"
    member.save()
    client.force_login(member)
    client.post(create_url(key_result), form_data(key_result, value="12,5", confidence="on_track"))
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal("12.5")


def test_an_invalid_row_shows_its_errors_and_keeps_what_was_typed(client, member, key_result):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        form_data(key_result, value="lots", confidence="on_track", comment="Keep this comment"),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 422  # htmx swaps it in: the errors show in the row
    assert 'class="errorlist"' in page
    assert "Keep this comment" in page
    assert 'value="lots"' in page
    assert not CheckIn.objects.exists()


def test_an_invalid_check_in_without_javascript_shows_the_key_result_page_with_errors(
    client, member, key_result
):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        form_data(key_result, value="", confidence="on_track", comment="Mine"),
    )
    assert response.status_code == 400
    assert "Mine" in response.content.decode()


def test_a_milestone_row_is_a_done_checkbox(client, member, milestone):
    client.force_login(member)
    page = client.get(MY_WEEK).content.decode()
    assert f'name="kr{milestone.pk}-done"' in page
    assert f'name="kr{milestone.pk}-value"' not in page
    client.post(create_url(milestone), form_data(milestone, done="on", confidence="on_track"))
    milestone.refresh_from_db()
    assert milestone.score == Decimal(100)


def test_the_objective_lead_may_check_in_for_the_owner(client, lead, key_result):
    client.force_login(lead)
    response = client.post(
        create_url(key_result), form_data(key_result, value="5", confidence="on_track")
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().author == lead


def test_a_teammate_who_does_not_own_the_key_result_may_not_check_in(client, key_result, team):
    from tests.factories import MembershipFactory

    teammate = MembershipFactory(team=team).user
    client.force_login(teammate)
    response = client.post(
        create_url(key_result), form_data(key_result, value="5", confidence="on_track")
    )
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_an_outsider_may_not_check_in_on_a_public_key_result(client, outsider, key_result):
    client.force_login(outsider)
    response = client.post(
        create_url(key_result), form_data(key_result, value="5", confidence="on_track")
    )
    assert response.status_code == 403


def test_an_outsider_does_not_see_a_private_key_result(client, member, private_key_result):
    client.force_login(member)
    url = create_url(private_key_result)
    assert (
        client.post(
            url, form_data(private_key_result, value="5", confidence="on_track")
        ).status_code
        == 404
    )


def test_anonymous_check_in_is_refused(client, key_result):
    response = client.post(
        create_url(key_result), form_data(key_result, value="5", confidence="on_track")
    )
    assert response.status_code == 302
    assert not CheckIn.objects.exists()


def test_checking_in_needs_a_post(client, member, key_result):
    client.force_login(member)
    assert client.get(create_url(key_result)).status_code == 405


def test_no_check_in_in_a_closed_cycle(client, member, key_result, cycle):
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    client.force_login(member)
    response = client.post(
        create_url(key_result), form_data(key_result, value="5", confidence="on_track")
    )
    assert response.status_code == 403


def test_the_author_corrects_the_latest_check_in_in_place(client, member, key_result):
    checkin = checkin_create(
        key_result=key_result, author=member, value=Decimal(10), confidence="on_track"
    )
    client.force_login(member)
    url = reverse("checkins:checkin_edit", args=[checkin.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Save correction" in form
    response = client.post(
        url, form_data(key_result, value="12", confidence="at_risk"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(12)
    assert CheckIn.objects.count() == 1


def test_correcting_without_javascript_has_its_own_page(client, member, key_result):
    checkin = checkin_create(
        key_result=key_result, author=member, value=Decimal(10), confidence="on_track"
    )
    client.force_login(member)
    url = reverse("checkins:checkin_edit", args=[checkin.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(key_result, value="11", confidence="on_track"))
    assert response.status_code == 302


def test_the_author_deletes_the_latest_check_in(client, member, key_result):
    checkin_create(key_result=key_result, author=member, value=Decimal(10), confidence="on_track")
    latest = checkin_create(
        key_result=key_result, author=member, value=Decimal(30), confidence="on_track"
    )
    client.force_login(member)
    response = client.post(
        reverse("checkins:checkin_delete", args=[latest.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(10)


def test_someone_else_may_not_correct_or_delete_a_check_in(client, member, lead, key_result):
    checkin = checkin_create(
        key_result=key_result, author=member, value=Decimal(10), confidence="on_track"
    )
    client.force_login(lead)
    edit = reverse("checkins:checkin_edit", args=[checkin.pk])
    assert client.get(edit).status_code == 403
    assert (
        client.post(edit, form_data(key_result, value="1", confidence="on_track")).status_code
        == 403
    )
    assert client.post(reverse("checkins:checkin_delete", args=[checkin.pk])).status_code == 403
    assert CheckIn.objects.get().value == Decimal(10)


def test_an_older_check_in_may_not_be_deleted(client, member, key_result):
    older = checkin_create(
        key_result=key_result, author=member, value=Decimal(10), confidence="on_track"
    )
    checkin_create(key_result=key_result, author=member, value=Decimal(20), confidence="on_track")
    client.force_login(member)
    assert client.post(reverse("checkins:checkin_delete", args=[older.pk])).status_code == 403


def test_a_private_check_in_is_hidden_from_outsiders(client, member, outsider, private_key_result):
    checkin = checkin_create(
        key_result=private_key_result, author=outsider, value=Decimal(1), confidence="on_track"
    )
    client.force_login(member)
    assert client.post(reverse("checkins:checkin_delete", args=[checkin.pk])).status_code == 404


@pytest.mark.parametrize("size", [5, 50])
def test_my_week_runs_a_bounded_number_of_queries(
    client, member, cycle, team, django_assert_max_num_queries, size
):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, visibility=Objective.Visibility.PUBLIC
    )
    for index in range(size):
        key_result = KeyResultFactory(objective=objective, owner=member)
        CheckInFactory(key_result=key_result, value=index)
    client.force_login(member)
    with django_assert_max_num_queries(9):
        response = client.get(MY_WEEK)
    assert len(response.context["rows"]) == size


def test_timestamps_use_the_week_of_the_organisation(member, key_result):
    checkin = CheckInFactory(key_result=key_result, created_at=timezone.now())
    assert checkin.created_at >= week_of().start


def test_my_week_speaks_french_to_a_french_person(client, member, key_result):
    member.language = "fr"
    member.save()
    client.force_login(member)
    page = client.get(MY_WEEK).content.decode()
    assert "Ma semaine" in page
    assert "Pas encore cette semaine" in page


def test_a_row_saved_with_htmx_tells_screen_readers_the_check_in_is_saved(
    client, member, key_result
):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        form_data(key_result, value="42", confidence="on_track"),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert 'data-announce="Check-in saved"' in response.content.decode()


def test_a_refused_row_counts_its_errors_for_screen_readers_and_ties_them_to_the_field(
    client, member, key_result
):
    client.force_login(member)
    response = client.post(
        create_url(key_result),
        form_data(key_result, value="lots", confidence="maybe"),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert 'data-announce="2 errors: the check-in was not saved"' in page
    field = f"id_kr{key_result.pk}-value"
    assert f'aria-describedby="{field}_error"' in page
    assert f'id="{field}_error"' in page
