"""The mention picker of a thread: a few people near the thread on the page, whatever the
organisation's size; the others found by searching (`/pickers/mention-people/`), among the
active people who may see the thread only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from checkins.models import Comment
from okrapp.core.models import Membership, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<select id="mention-[^"]*"[^>]*>(.*?)</select>', re.S)


def key_result_page(client, key_result) -> str:
    return client.get(reverse("checkins:key_result", args=[key_result.pk])).content.decode()


def offered(page: str) -> list[str]:
    """The emails the mention picker offers before any search."""
    return re.findall(r'<option value="([^"]+)">', OPTION.search(page).group(1))


def search(client, kind, pk, typed) -> list[dict]:
    url = reverse("picker_search", args=["mention-people"])
    return client.get(url, {"kind": kind, "id": pk, "q": typed}).json()["results"]


def join(team, count: int, start: int = 0) -> None:
    people = User.objects.bulk_create(
        User(email=f"colleague{n}@acme.example", display_name=f"Colleague {n:03}", password="!")
        for n in range(start, start + count)
    )
    Membership.objects.bulk_create(Membership(user=person, team=team) for person in people)


def test_the_key_result_page_offers_at_most_ten_people_however_large_the_team(
    client, member, team, key_result
):
    join(team, 60)
    client.force_login(member)
    page = key_result_page(client, key_result)
    assert 1 <= len(offered(page)) <= 10
    join(team, 60, start=60)
    assert abs(len(key_result_page(client, key_result)) - len(page)) < 200


@pytest.mark.parametrize("size", [5, 60])
def test_the_key_result_page_runs_as_many_queries_with_a_large_team(
    client, member, team, key_result, django_assert_max_num_queries, size
):
    join(team, size)
    for index in range(size // 5):
        Comment.objects.create(
            objective=key_result.objective,
            key_result=key_result,
            author=UserFactory(),
            body=f"Comment {index}",
        )
    client.force_login(member)
    with django_assert_max_num_queries(13):
        client.get(reverse("checkins:key_result", args=[key_result.pk]))


def test_the_owners_and_who_took_part_come_first_then_teammates_never_oneself(
    client, lead, member, team, key_result, outsider
):
    join(team, 20)
    Comment.objects.create(
        objective=key_result.objective, key_result=key_result, author=outsider, body="Hello"
    )
    client.force_login(member)
    emails = offered(key_result_page(client, key_result))
    assert emails[:2] == [lead.email, outsider.email]  # the objective's owner; who commented
    assert member.email not in emails  # the viewer, owner of the key result
    assert emails[2].startswith("colleague")


def test_a_deactivated_person_is_never_offered_nor_found(client, member, team, key_result):
    gone = MembershipFactory(team=team, user__display_name="Gaston Gone").user
    User.objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(member)
    assert gone.email not in offered(key_result_page(client, key_result))
    assert search(client, "key-result", key_result.pk, "Gaston") == []


def test_typing_part_of_a_name_finds_someone_not_offered_with_their_email(
    client, member, team, key_result, other_team
):
    join(team, 20)
    far = MembershipFactory(team=other_team, user__display_name="Zoé Zola").user
    client.force_login(member)
    assert far.email not in offered(key_result_page(client, key_result))
    assert search(client, "key-result", key_result.pk, "zol") == [
        {"value": far.email, "text": f"Zoé Zola <{far.email}>"}
    ]


def test_a_search_runs_a_bounded_number_of_queries(
    client, member, team, key_result, django_assert_max_num_queries
):
    join(team, 60)
    client.force_login(member)
    with django_assert_max_num_queries(5):
        results = search(client, "key-result", key_result.pk, "Colleague")
    assert len(results) == 20


def test_a_private_thread_offers_and_finds_only_those_who_may_see_it(
    client, outsider, member, lead, private_key_result, other_team
):
    colleague = MembershipFactory(team=other_team, user__display_name="Vera Vente").user
    client.force_login(outsider)
    page = client.get(reverse("checkins:key_result", args=[private_key_result.pk]))
    assert offered(page.content.decode()) == [colleague.email]
    found = {result["value"] for result in search(client, "key-result", private_key_result.pk, "")}
    assert colleague.email in found
    assert outsider.email in found
    assert not {member.email, lead.email} & found


def test_the_search_of_a_thread_one_may_not_see_finds_nobody(
    client, member, private_key_result, outsider
):
    client.force_login(member)
    assert search(client, "key-result", private_key_result.pk, "") == []
    assert search(client, "objective", private_key_result.objective_id, "Olga") == []
    assert search(client, "nonsense", private_key_result.pk, "") == []


def test_without_javascript_the_picker_is_hidden_and_the_help_says_to_type_the_email(
    client, member, key_result
):
    client.force_login(member)
    page = key_result_page(client, key_result)
    assert re.search(r'class="form-row mention-picker" data-mention-row hidden', page)
    assert "Mention someone with @ and their email." in page
