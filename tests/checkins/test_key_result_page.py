from __future__ import annotations

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.services import checkin_create
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db


def page_url(key_result):
    return reverse("checkins:key_result", args=[key_result.pk])


def test_key_result_page_lists_check_ins_newest_first_with_comments(
    client, member, outsider, key_result
):
    now = timezone.now()
    CheckInFactory(
        key_result=key_result,
        value=10,
        comment="Premier pas",
        created_at=now - datetime.timedelta(days=14),
    )
    CheckInFactory(
        key_result=key_result,
        value=30,
        comment="Ça décolle",
        blockers="Budget",
        created_at=now - datetime.timedelta(days=7),
    )
    client.force_login(outsider)
    response = client.get(page_url(key_result))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Ça décolle") < page.index("Premier pas")
    assert "Budget" in page
    assert [c.value for c in response.context["checkins"]] == [Decimal(30), Decimal(10)]


def test_key_result_page_draws_the_value_against_the_ideal_line(client, member, key_result):
    checkin_create(key_result=key_result, author=member, value=Decimal(40), confidence="on_track")
    client.force_login(member)
    response = client.get(page_url(key_result))
    chart = response.context["chart"]
    labels = [dataset["label"] for dataset in chart["datasets"]]
    assert labels[:2] == ["Value", "Ideal line"]
    ideal = chart["datasets"][1]["data"]
    assert ideal[0] == 0 and ideal[-1] == 100
    assert 'data-chart="kr-chart"' in response.content.decode()
    assert 'id="kr-chart"' in response.content.decode()


def test_key_result_page_projects_the_value_at_cycle_end_and_its_score(
    client, member, key_result, cycle
):
    # The fixture cycle started 45 days ago and lasts 91 days: 40 after 45 days projects ~81.
    checkin_create(key_result=key_result, author=member, value=Decimal(40), confidence="on_track")
    client.force_login(member)
    projection = client.get(page_url(key_result)).context["projection"]
    assert Decimal(78) < projection["value"] < Decimal(84)
    assert projection["score"] == projection["value"]


def test_the_owner_gets_a_check_in_form_and_an_outsider_does_not(
    client, member, outsider, key_result
):
    client.force_login(member)
    assert client.get(page_url(key_result)).context["form"] is not None
    client.force_login(outsider)
    response = client.get(page_url(key_result))
    assert response.context["form"] is None
    assert reverse("checkins:checkin_create", args=[key_result.pk]) not in response.content.decode()


def test_a_private_key_result_is_not_found_for_outsiders(client, member, private_key_result):
    client.force_login(member)
    assert client.get(page_url(private_key_result)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_private_key_result_kept_for_its_owner_is_still_not_found_for_outsiders(
    client, member, outsider, private_key_result
):
    """The page reads its key result as kept until the next write (okrapp.core.freshness):
    the rights are checked on it for each viewer all the same."""
    client.force_login(outsider)
    assert "Sign 3 secret deals" in client.get(page_url(private_key_result)).content.decode()
    client.force_login(member)
    assert client.get(page_url(private_key_result)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, key_result):
    assert client.get(page_url(key_result)).status_code == 302


def test_the_chart_spec_is_valid_json_for_the_chart_loader(client, member, key_result):
    client.force_login(member)
    page = client.get(page_url(key_result)).content.decode()
    start = page.index('<script id="kr-chart" type="application/json">') + len(
        '<script id="kr-chart" type="application/json">'
    )
    spec = json.loads(page[start : page.index("</script>", start)])
    assert len(spec["labels"]) == len(spec["datasets"][0]["data"])


@pytest.mark.parametrize("size", [5, 50])
def test_the_key_result_page_runs_a_bounded_number_of_queries(
    client, member, key_result, django_assert_max_num_queries, size
):
    for index in range(size):
        CheckInFactory(
            key_result=key_result,
            value=index,
            created_at=timezone.now() - datetime.timedelta(days=index),
        )
    client.force_login(member)
    # 12, and the breadcrumbs up the organisation (the owner's team, its ancestors).
    with django_assert_max_num_queries(14):
        response = client.get(page_url(key_result))
    assert len(response.context["checkins"]) == size


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_the_key_result_page_seen_again_reads_what_it_kept(
    client, member, key_result, django_assert_max_num_queries, size
):
    """Seen again before any write, the page reads its key result, check-ins, chart and
    breadcrumbs as kept (okrapp.core.freshness): 9 queries, whatever the check-ins."""
    for index in range(size):
        CheckInFactory(
            key_result=key_result,
            value=index,
            created_at=timezone.now() - datetime.timedelta(days=index),
        )
    client.force_login(member)
    client.get(page_url(key_result))
    with django_assert_max_num_queries(9):
        response = client.get(page_url(key_result))
    assert len(response.context["checkins"]) == size


def test_key_result_page_labels_follow_french_typography(client, member, key_result):
    member.language = "fr"
    member.save(update_fields=["language"])
    client.force_login(member)
    page = client.get(page_url(key_result)).content.decode()
    assert "Objectif :" in page and "Responsable :" in page
    assert "Objectif:" not in page


def test_the_projection_is_the_least_squares_line_at_cycle_end_checked_by_hand(
    client, member, key_result, cycle
):
    # Check-ins on days 10, 20 and 30 at 10, 15 and 25: mean day 20, mean value 50/3;
    # slope = (−10·−20/3 + 10·25/3) / 200 = 0.75 a day, intercept = 50/3 − 15 = 5/3.
    start = datetime.datetime.combine(
        cycle.start_date, datetime.time.min, tzinfo=ZoneInfo("Europe/Paris")
    ).astimezone(datetime.UTC)  # days of 24 hours exactly, whatever the clock change
    for day, value in [(10, 10), (20, 15), (30, 25)]:
        CheckInFactory(
            key_result=key_result,
            value=Decimal(value),
            created_at=start + datetime.timedelta(days=day),
        )
    days = (cycle.end_date - cycle.start_date).days + 1  # the cycle ends at its last midnight
    expected = Decimal(str(round(0.75 * days + 5 / 3, 1)))
    client.force_login(member)
    projection = client.get(page_url(key_result)).context["projection"]
    assert projection["value"] == expected
    assert projection["score"] == expected  # from 0 to 100, the score is the value


def test_a_closed_cycle_shows_no_projection(client, member, key_result, cycle):
    checkin_create(key_result=key_result, author=member, value=Decimal(40), confidence="on_track")
    cycle.status = cycle.Status.CLOSED
    cycle.save()
    client.force_login(member)
    response = client.get(page_url(key_result))
    assert response.context["projection"] is None
    assert response.context["form"] is None
    assert "At this pace" not in response.content.decode()


def test_the_history_lists_ten_check_ins_a_page_and_the_chart_draws_them_all(
    client, member, key_result
):
    now = timezone.now()
    for day in range(25):
        CheckInFactory(
            key_result=key_result, value=day, created_at=now - datetime.timedelta(days=25 - day)
        )
    client.force_login(member)
    first = client.get(page_url(key_result))
    last = client.get(page_url(key_result), {"page": 3})
    assert [c.value for c in first.context["history"]] == [Decimal(v) for v in range(24, 14, -1)]
    assert [c.value for c in last.context["history"]] == [Decimal(v) for v in range(4, -1, -1)]
    assert len(first.context["checkins"]) == 25  # the chart and the projection read them all
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in last.content.decode()
