"""The alignment page opens one level at a time: the path to one's own objectives by default,
what the address names (`open`, `focus`), a branch through htmx or, without JavaScript,
through a link; what one may not see is neither shown nor counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.alignment_selectors import (
    BRANCH_LIMIT,
    UNALIGNED_PER_PAGE,
    alignment_page,
    parse_open,
)
from objectives.models import Objective
from okrapp.core import freshness
from okrapp.core.permissions import viewer_for
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

ALIGNMENT = reverse("objectives:alignment")


@pytest.fixture
def chain(cycle, company, team, admin, lead, member):
    """company objective ← team objective ← the member's objective."""
    top = ObjectiveFactory(cycle=cycle, team=company, owner=admin, level="company", title="Top")
    middle = ObjectiveFactory(cycle=cycle, team=team, owner=lead, parent=top, title="Middle")
    own = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, parent=middle, level="individual", title="Mine"
    )
    return top, middle, own


def test_the_path_to_ones_own_objectives_is_open_by_default(chain, member, cycle):
    _top, middle, own = chain
    tree = alignment_page(viewer_for(member), cycle)
    (root,) = tree.roots
    assert root.is_open and root.children[0].pk == middle.pk
    assert root.children[0].is_open and root.children[0].children[0].pk == own.pk


def test_a_crowded_branch_shows_its_first_dozen_and_always_the_path_to_ones_own(
    chain, member, cycle, company, admin
):
    top, middle, own = chain
    # Company-level siblings sort before the team objective on the path.
    ObjectiveFactory.create_batch(
        BRANCH_LIMIT + 3, cycle=cycle, team=company, owner=admin, parent=top
    )
    (root,) = alignment_page(viewer_for(member), cycle).roots
    assert len(root.children) == BRANCH_LIMIT and root.more_children == 4
    path = next(node for node in root.children if node.pk == middle.pk)
    assert path.is_open and path.children[0].pk == own.pk


def test_someone_else_sees_the_branches_closed_with_their_counts(chain, outsider, cycle):
    tree = alignment_page(viewer_for(outsider), cycle)
    (root,) = tree.roots
    assert not root.is_open and root.children == [] and root.child_count == 1


def test_the_address_says_what_is_open(chain, outsider, cycle):
    top, middle, _own = chain
    tree = alignment_page(viewer_for(outsider), cycle, open_ids={top.pk})
    (root,) = tree.roots
    assert root.is_open and not root.children[0].is_open
    assert (
        root.toggle == ""
        and root.children[0].toggle == f"{min(top.pk, middle.pk)},{max(top.pk, middle.pk)}"
    )


def test_a_focused_objective_has_its_path_opened(chain, outsider, cycle):
    _top, _middle, own = chain
    tree = alignment_page(viewer_for(outsider), cycle, open_ids=set(), focus_id=own.pk)
    assert tree.roots[0].children[0].children[0].pk == own.pk


def test_an_objective_under_a_hidden_parent_counts_as_not_aligned(
    cycle, team, other_team, outsider, lead
):
    hidden = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility="private", title="Hidden"
    )
    below = ObjectiveFactory(cycle=cycle, team=other_team, parent=hidden, title="Below")
    tree = alignment_page(viewer_for(outsider), cycle)
    assert [node.pk for node in tree.unaligned] == [below.pk]
    page = _page_of(outsider, "?q=Hidden")
    assert f"/okrs/{hidden.pk}/" not in page and f"objective-{hidden.pk}" not in page


def test_counts_leave_out_what_the_viewer_may_not_see(chain, cycle, team, lead, outsider):
    top, _middle, _own = chain
    ObjectiveFactory(cycle=cycle, team=team, owner=lead, parent=top, visibility="private")
    assert alignment_page(viewer_for(outsider), cycle).roots[0].child_count == 1
    assert alignment_page(viewer_for(lead), cycle).roots[0].child_count == 2


def test_the_links_shared_by_every_viewer_are_cut_for_each(
    monkeypatch, client, chain, cycle, team, lead, outsider
):
    top, _middle, _own = chain
    hidden = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, parent=top, visibility="private", title="Hidden"
    )
    # Cached as if committed: the lead's visit keeps the cycle's links for everyone.
    monkeypatch.setattr(freshness, "_uncommitted_writes", lambda: False)
    assert alignment_page(viewer_for(lead), cycle, open_ids={top.pk}).roots[0].child_count == 2
    (root,) = alignment_page(viewer_for(outsider), cycle, open_ids={top.pk}).roots
    assert root.child_count == 1 and hidden.pk not in [node.pk for node in root.children]
    page = _page_of(outsider, f"?open={top.pk}", client)
    assert "Hidden" not in page and f"objective-{hidden.pk}" not in page


def test_objectives_not_aligned_are_paged(cycle, team, lead):
    ObjectiveFactory.create_batch(UNALIGNED_PER_PAGE + 3, cycle=cycle, team=team, owner=lead)
    first = alignment_page(viewer_for(lead), cycle)
    second = alignment_page(viewer_for(lead), cycle, page=2)
    assert len(first.unaligned) == UNALIGNED_PER_PAGE and len(second.unaligned) == 3


def test_the_search_finds_only_visible_objectives_and_jumps_to_them(
    client, chain, cycle, team, lead, outsider
):
    ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility="private", title="Middle secret"
    )
    _top, middle, _own = chain
    page = _page_of(outsider, "?q=middle", client)
    assert f"?focus={middle.pk}#objective-{middle.pk}" in page
    assert "Middle secret" not in page


def test_a_branch_loads_with_htmx(client, chain, outsider):
    top, middle, _own = chain
    client.force_login(outsider)
    answer = client.get(
        reverse("objectives:alignment_branch", args=[top.pk]), headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200 and middle.title in answer.content.decode()
    assert "<html" not in answer.content.decode()


def test_without_javascript_a_branch_is_the_page_opened_there(client, chain, outsider):
    top, _middle, _own = chain
    client.force_login(outsider)
    answer = client.get(reverse("objectives:alignment_branch", args=[top.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == f"{ALIGNMENT}?open={top.pk}#objective-{top.pk}"


def test_a_private_objectives_branch_does_not_exist_for_outsiders(
    client, cycle, team, lead, outsider
):
    private = ObjectiveFactory(cycle=cycle, team=team, owner=lead, visibility="private")
    client.force_login(outsider)
    assert client.get(reverse("objectives:alignment_branch", args=[private.pk])).status_code == 404


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), ("", set()), ("3,17", {3, 17}), ("3,x,,9", {3, 9})]
)
def test_the_open_value_is_read_leniently(raw, expected):
    assert parse_open(raw) == expected


def _grow(cycle, team, lead, top, count):
    for number in range(count):
        parent = ObjectiveFactory(
            cycle=cycle, team=team, owner=lead, parent=top, title=f"T{number}"
        )
        ObjectiveFactory(
            cycle=cycle, team=team, owner=lead, parent=parent, level=Objective.Level.INDIVIDUAL
        )
        ObjectiveFactory(cycle=cycle, team=team, owner=lead)


def test_the_page_issues_the_same_queries_for_3_and_30_branches(
    client, django_assert_max_num_queries, chain, cycle, team, lead, member
):
    top, middle, _own = chain
    client.force_login(member)
    opened = f"{ALIGNMENT}?open={top.pk},{middle.pk}"
    _grow(cycle, team, lead, top, 3)
    client.get(opened)
    with CaptureQueriesContext(connection) as small:
        assert client.get(opened).status_code == 200
    _grow(cycle, team, lead, top, 27)
    with django_assert_max_num_queries(len(small)):
        assert client.get(opened).status_code == 200


def _page_of(user, query: str, client=None) -> str:
    from tests.conftest import SignInClient

    client = client or SignInClient()
    client.force_login(user)
    return client.get(ALIGNMENT + query).content.decode()


def test_a_branch_issues_the_same_queries_for_3_and_30_aligned_objectives(
    client, django_assert_max_num_queries, chain, cycle, team, lead, outsider
):
    top, _middle, _own = chain
    client.force_login(outsider)
    branch = reverse("objectives:alignment_branch", args=[top.pk])
    _grow(cycle, team, lead, top, 3)
    client.get(branch, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as small:
        assert client.get(branch, headers={"HX-Request": "true"}).status_code == 200
    _grow(cycle, team, lead, top, 27)
    with django_assert_max_num_queries(len(small)):
        assert client.get(branch, headers={"HX-Request": "true"}).status_code == 200
