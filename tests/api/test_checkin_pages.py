"""The check-ins list pages by cursor: `next` and `previous` links, no count, no page numbers.
A client walking `next` sees every check-in it may see exactly once, even while people check
in; a cursor it did not get from a link is a 400."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from checkins.models import CheckIn
from objectives.models import Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/check-ins/"


@pytest.fixture
def key_result(cycle, team, member):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    return KeyResultFactory(objective=objective, owner=member)


def checkins(key_result, count: int, *, at=None) -> list[CheckIn]:
    """`count` check-ins, a minute apart (all at `at` when given), newest last."""
    start = timezone.now() - timedelta(days=1)
    return [
        CheckInFactory(key_result=key_result, created_at=at or start + timedelta(minutes=n))
        for n in range(count)
    ]


def walk(api, url: str) -> list[int]:
    """The ids of every page, following `next` from `url`."""
    ids: list[int] = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        ids += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return ids


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_a_page_has_links_and_results_but_no_count(api_as, member, key_result):
    checkins(key_result, 3)
    body = api_as(member).get(f"{URL}?page_size=2").json()
    assert set(body) == {"next", "previous", "results"}
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert "cursor=" in body["next"]


def test_following_next_gives_every_check_in_once_newest_first(api_as, member, key_result):
    rows = checkins(key_result, 7)
    assert walk(api_as(member), f"{URL}?page_size=3") == [row.pk for row in reversed(rows)]


def test_check_ins_made_at_the_same_instant_are_each_given_once(api_as, member, key_result):
    rows = checkins(key_result, 5, at=timezone.now() - timedelta(hours=1))
    ids = walk(api_as(member), f"{URL}?page_size=2")
    assert ids == sorted(row.pk for row in rows)[::-1]


def test_a_check_in_made_between_two_pages_shifts_nothing(api_as, member, key_result):
    rows = checkins(key_result, 6)
    api = api_as(member)
    first = api.get(f"{URL}?page_size=3").json()
    CheckInFactory(key_result=key_result)
    ids = [row["id"] for row in first["results"]] + walk(api, first["next"])
    assert ids == [row.pk for row in reversed(rows)]


def test_previous_leads_back_to_the_page_before(api_as, member, key_result):
    checkins(key_result, 5)
    api = api_as(member)
    first = api.get(f"{URL}?page_size=2").json()
    second = api.get(first["next"]).json()
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_the_next_link_keeps_the_filters(api_as, member, key_result, cycle, team):
    other = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team))
    mine = checkins(key_result, 4)
    checkins(other, 4)
    ids = walk(api_as(member), f"{URL}?key_result={key_result.pk}&page_size=3")
    assert ids == [row.pk for row in reversed(mine)]


def test_ordering_by_created_at_walks_oldest_first(api_as, member, key_result):
    rows = checkins(key_result, 5)
    assert walk(api_as(member), f"{URL}?ordering=created_at&page_size=2") == [
        row.pk for row in rows
    ]


def test_no_page_gives_a_check_in_of_a_private_objective_one_may_not_see(
    api_as, outsider, key_result
):
    Objective.objects.filter(pk=key_result.objective_id).update(visibility="private")
    hidden = checkins(key_result, 4)
    public = checkins(KeyResultFactory(objective__cycle=key_result.objective.cycle), 4)
    ids = walk(api_as(outsider), f"{URL}?page_size=3")
    assert ids == [row.pk for row in reversed(public)]
    assert not {row.pk for row in hidden} & set(ids)


def test_a_member_of_the_team_walks_its_private_check_ins_too(api_as, member, key_result):
    Objective.objects.filter(pk=key_result.objective_id).update(visibility="private")
    rows = checkins(key_result, 4)
    assert walk(api_as(member), f"{URL}?page_size=3") == [row.pk for row in reversed(rows)]


@pytest.mark.parametrize(
    "value",
    [
        "not-a-cursor",
        "é",
        cursor("p=yesterday"),
        cursor("p=2026-01-01 10:00:00"),  # no time zone
        cursor("p=0001-01-01 00:00:00+05:00"),
        cursor("o=-1"),
        cursor("r=x"),
    ],
)
def test_a_cursor_not_given_by_a_link_is_a_400(api_as, member, key_result, value):
    checkins(key_result, 2)
    response = api_as(member).get(URL, {"cursor": value})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_of_one_ordering_read_with_another_is_a_400(api_as, member, key_result):
    checkins(key_result, 3)
    api = api_as(member)
    by_id = api.get(f"{URL}?ordering=-id&page_size=1").json()["next"]
    response = api.get(by_id.replace("ordering=-id", "ordering=-created_at"))
    assert response.status_code == 400


@pytest.mark.parametrize("page_size", ["0", "201", "ten"])
def test_a_page_size_out_of_range_is_a_400(api_as, member, page_size):
    response = api_as(member).get(URL, {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.parametrize("size", [5, 60])
def test_a_page_of_check_ins_takes_a_bounded_number_of_queries(
    api_as, member, key_result, size, django_assert_max_num_queries
):
    checkins(key_result, size)
    api = api_as(member)
    with django_assert_max_num_queries(4):
        first = api.get(f"{URL}?page_size=2").json()
    with django_assert_max_num_queries(4):
        second = api.get(first["next"]).json()
    assert len(first["results"]) == len(second["results"]) == 2


def test_the_schema_documents_the_cursor_and_no_count(client):
    import yaml

    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    operation = schema["paths"][URL]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"cursor", "page_size"} <= parameters
    assert "page" not in parameters
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][page.rsplit("/", 1)[1]]["properties"]
    assert set(properties) == {"next", "previous", "results"}
    assert "400" in operation["responses"]
