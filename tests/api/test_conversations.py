"""Comments and notifications through the API: the pages' rules, services and refusals."""

from __future__ import annotations

import pytest

from checkins.models import Comment, Notification, NotificationKind
from objectives.models import Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

COMMENT_FIELDS = {
    "id",
    "objective",
    "key_result",
    "checkin",
    "author",
    "body",
    "mentions",
    "unseen_mentions",
    "created_at",
    "edited_at",
}


@pytest.fixture
def objective(cycle, team, lead):
    return ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Nos communautés")


@pytest.fixture
def key_result(objective, member):
    return KeyResultFactory(objective=objective, owner=member)


@pytest.fixture
def private_objective(cycle, team, lead):
    return ObjectiveFactory(
        cycle=cycle,
        team=team,
        owner=lead,
        visibility=Objective.Visibility.PRIVATE,
        title="Plan confidentiel",
    )


def comment_on(author, body="Bien joué", **target):
    target.setdefault("objective", None)
    objective = target["objective"] or target["key_result"].objective
    return Comment.objects.create(
        objective=objective, key_result=target.get("key_result"), author=author, body=body
    )


# --- Comments: create, list, edit, delete -----------------------------------------------------


def test_a_member_comments_on_a_key_result_and_mentions_her_lead(
    api_as, member, lead, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(member).post(
            "/api/v1/comments/",
            {"key_result": key_result.pk, "body": f"On avance, @{lead.email} tu valides ?"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == COMMENT_FIELDS
    assert (data["objective"], data["key_result"], data["author"]) == (
        key_result.objective_id,
        key_result.pk,
        member.pk,
    )
    assert data["mentions"] == [lead.pk]
    assert Notification.objects.get(user=lead).kind == NotificationKind.MENTION


def test_mentioning_someone_who_may_not_see_the_objective_says_so_and_does_not_notify(
    api_as, lead, outsider, private_objective, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(
            "/api/v1/comments/",
            {"objective": private_objective.pk, "body": f"@{outsider.email} regarde"},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["unseen_mentions"] == [outsider.pk]
    assert response.json()["mentions"] == []
    assert not Notification.objects.filter(user=outsider).exists()


def test_a_comment_names_exactly_one_thing(api_as, member, objective, key_result):
    api = api_as(member)
    neither = api.post("/api/v1/comments/", {"body": "Hi"}, format="json")
    both = api.post(
        "/api/v1/comments/",
        {"objective": objective.pk, "key_result": key_result.pk, "body": "Hi"},
        format="json",
    )
    assert neither.status_code == both.status_code == 400
    assert "non_field_errors" in neither.json()


@pytest.mark.parametrize(
    "body",
    [{"objective": "abc", "body": "x"}, {"objective": 1, "body": ""}, {"objective": 1}, [], "x"],
)
def test_bad_input_is_a_400_never_a_500(api_as, member, objective, body):
    if isinstance(body, dict) and body.get("objective") == 1:
        body = {**body, "objective": objective.pk}
    response = api_as(member).post("/api/v1/comments/", body, format="json")
    assert response.status_code == 400


def test_a_blank_comment_is_refused_per_field(api_as, member, objective):
    response = api_as(member).post(
        "/api/v1/comments/", {"objective": objective.pk, "body": "   "}, format="json"
    )
    assert response.status_code == 400
    assert "body" in response.json()


def test_the_list_by_key_result_holds_its_comments_and_those_of_its_check_ins(
    api_as, member, lead, key_result, objective
):
    checkin = CheckInFactory(key_result=key_result)
    on_key_result = comment_on(member, key_result=key_result)
    on_checkin = Comment.objects.create(
        objective=objective, key_result=key_result, checkin=checkin, author=lead, body="👍"
    )
    comment_on(lead, objective=objective)
    api = api_as(member)
    by_key_result = api.get(f"/api/v1/comments/?key_result={key_result.pk}").json()["results"]
    by_checkin = api.get(f"/api/v1/comments/?checkin={checkin.pk}").json()["results"]
    by_objective = api.get(f"/api/v1/comments/?objective={objective.pk}").json()["results"]
    assert [row["id"] for row in by_key_result] == [on_key_result.pk, on_checkin.pk]
    assert [row["id"] for row in by_checkin] == [on_checkin.pk]
    assert len(by_objective) == 3


def test_the_author_edits_her_comment_and_it_says_so(api_as, member, key_result):
    comment = comment_on(member, key_result=key_result)
    response = api_as(member).patch(
        f"/api/v1/comments/{comment.pk}/", {"body": "Corrigé"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["body"] == "Corrigé"
    assert response.json()["edited_at"] is not None


def test_a_comment_cannot_move_to_another_objective(api_as, member, key_result, cycle, team):
    comment = comment_on(member, key_result=key_result)
    other = ObjectiveFactory(cycle=cycle, team=team)
    response = api_as(member).patch(
        f"/api/v1/comments/{comment.pk}/", {"objective": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "objective" in response.json()


def test_nobody_else_edits_a_comment_not_even_an_admin(api_as, member, lead, admin, key_result):
    comment = comment_on(member, key_result=key_result)
    for person in (lead, admin):
        response = api_as(person).patch(
            f"/api/v1/comments/{comment.pk}/", {"body": "Pas à toi"}, format="json"
        )
        assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Bien joué"


def test_the_author_deletes_her_comment(api_as, member, key_result):
    comment = comment_on(member, key_result=key_result)
    assert api_as(member).delete(f"/api/v1/comments/{comment.pk}/").status_code == 204
    assert not Comment.objects.exists()


def test_an_admin_deletes_any_comment_a_lead_does_not(api_as, member, lead, admin, key_result):
    comment = comment_on(member, key_result=key_result)
    assert api_as(lead).delete(f"/api/v1/comments/{comment.pk}/").status_code == 403
    assert api_as(admin).delete(f"/api/v1/comments/{comment.pk}/").status_code == 204


# --- Comments: what one may not see -----------------------------------------------------------


def test_a_private_objectives_comments_are_invisible_to_an_outsider(
    api_as, lead, outsider, private_objective
):
    comment = comment_on(lead, objective=private_objective, body="Secret")
    api = api_as(outsider)
    listed = api.get("/api/v1/comments/").json()
    filtered = api.get(f"/api/v1/comments/?objective={private_objective.pk}").json()
    assert listed["count"] == filtered["count"] == 0
    assert api.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/comments/{comment.pk}/", {"body": "x"}, format="json").status_code
        == 404
    )
    assert api.delete(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert "Secret" not in str(listed)


def test_the_team_and_admins_see_a_private_objectives_comments(
    api_as, lead, member, admin, private_objective
):
    comment = comment_on(lead, objective=private_objective)
    for person in (member, admin):
        assert api_as(person).get(f"/api/v1/comments/{comment.pk}/").status_code == 200


def test_an_outsider_cannot_comment_on_a_private_objective_nor_learn_it_exists(
    api_as, outsider, private_objective
):
    response = api_as(outsider).post(
        "/api/v1/comments/", {"objective": private_objective.pk, "body": "Hi"}, format="json"
    )
    unknown = api_as(outsider).post(
        "/api/v1/comments/", {"objective": 999999, "body": "Hi"}, format="json"
    )
    assert response.status_code == unknown.status_code == 400
    assert response.json()["objective"][0].replace(
        str(private_objective.pk), "N"
    ) == unknown.json()["objective"][0].replace("999999", "N")
    assert not Comment.objects.exists()


def test_anonymous_gets_401(anonymous_api, key_result):
    assert anonymous_api.get("/api/v1/comments/").status_code == 401
    assert anonymous_api.get("/api/v1/notifications/").status_code == 401


@pytest.mark.parametrize("size", [3, 30])
def test_the_comment_list_is_a_fixed_number_of_queries(
    api_as, member, lead, key_result, size, django_assert_max_num_queries
):
    for n in range(size):
        comment = comment_on(member, key_result=key_result, body=f"n{n}")
        comment.mentions.add(lead)
    api = api_as(member)
    with django_assert_max_num_queries(7):
        response = api.get("/api/v1/comments/?page_size=100")
    assert response.json()["count"] == size


# --- Notifications ----------------------------------------------------------------------------


def notify(user, n=1, **extra):
    return [
        Notification.objects.create(
            user=user,
            kind=NotificationKind.COMMENT,
            key=f"t:{user.pk}:{i}",
            message=f"m{i}",
            url="/checkins/",
            **extra,
        )
        for i in range(n)
    ]


def test_i_list_only_my_own_notifications(api_as, member, lead, admin):
    mine = notify(member, 2)
    notify(lead, 3)
    data = api_as(member).get("/api/v1/notifications/").json()
    assert {row["id"] for row in data["results"]} == {n.pk for n in mine}
    assert data["results"][0]["url"].startswith("http")
    assert api_as(admin).get("/api/v1/notifications/").json()["count"] == 0


def test_i_mark_one_notification_read(api_as, member):
    first, second = notify(member, 2)
    response = api_as(member).post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    unread = api_as(member).get("/api/v1/notifications/?unread=true").json()
    assert [row["id"] for row in unread["results"]] == [second.pk]


def test_nobody_reads_or_marks_someone_elses_notification(api_as, member, lead, admin):
    (theirs,) = notify(lead)
    for person in (member, admin):
        api = api_as(person)
        assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
        assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_i_mark_all_my_notifications_read_and_only_mine(api_as, member, lead):
    notify(member, 3)
    notify(lead, 2)
    response = api_as(member).post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 3}
    assert Notification.objects.filter(user=lead, read_at__isnull=True).count() == 2


def test_a_bad_unread_filter_is_a_400(api_as, member):
    assert api_as(member).get("/api/v1/notifications/?unread=maybe").status_code == 400


@pytest.mark.parametrize("size", [3, 30])
def test_the_notification_list_is_a_fixed_number_of_queries(
    api_as, member, size, django_assert_max_num_queries
):
    notify(member, size)
    api = api_as(member)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/notifications/?page_size=100")
    assert response.json()["count"] == size
