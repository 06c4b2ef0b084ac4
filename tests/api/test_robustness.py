"""Bad input answers 400 with errors per field, in the requested language; nothing is a 500."""

from __future__ import annotations

import pytest

from objectives.models import Objective
from okrapp.api.base import nested_errors
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_result(cycle, team, member):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    return KeyResultFactory(objective=objective, owner=member)


def post_raw(api, url, body: str, content_type="application/json"):
    return api.generic("POST", url, body, content_type=content_type)


def test_malformed_json_is_a_400(api_as, member):
    response = post_raw(api_as(member), "/api/v1/check-ins/", '{"value": ')
    assert response.status_code == 400
    assert "detail" in response.json()


def test_malformed_json_says_where_in_the_requested_language(api_as, member):
    api = api_as(member, HTTP_ACCEPT_LANGUAGE="fr")
    response = post_raw(api, "/api/v1/check-ins/", '{"value": ')
    assert response.status_code == 400
    assert response.json() == {"detail": "Le corps n’est pas du JSON valide (ligne 1, colonne 11)."}


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_a_deeply_nested_body_is_a_400_not_a_500(api_as, member, depth):
    response = post_raw(api_as(member), "/api/v1/objectives/", "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is nested too deeply."}


def test_a_null_body_is_a_translated_400(api_as, member):
    api = api_as(member, HTTP_ACCEPT_LANGUAGE="fr")
    response = post_raw(api, "/api/v1/objectives/", "null")
    assert response.status_code == 400
    assert response.json() == {"detail": "Le corps doit être un objet ou une liste JSON, pas null."}


def test_a_body_that_is_not_utf8_is_a_400(api_as, member):
    response = api_as(member).generic(
        "POST", "/api/v1/objectives/", b'{"title": "\xff\xfe"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body must be encoded in UTF-8."}


def test_an_unknown_id_is_a_translated_404_naming_no_model(api_as, member, cycle):
    api = api_as(member, HTTP_ACCEPT_LANGUAGE="fr")
    for url in ("/api/v1/cycles/999999/", "/api/v1/cycles/999999/scores/", "/api/v1/teams/999999/"):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Non trouvé."}


def test_a_form_body_is_an_unsupported_media_type(api_as, member, key_result):
    response = post_raw(
        api_as(member),
        "/api/v1/check-ins/",
        f"key_result={key_result.pk}&value=1&confidence=on_track",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(api_as, member, key_result, literal):
    body = f'{{"key_result": {key_result.pk}, "value": {literal}, "confidence": "on_track"}}'
    response = post_raw(api_as(member), "/api/v1/check-ins/", body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "NaN and Infinity are not JSON numbers: send a number or null."
    }


@pytest.mark.parametrize("value", ["1e400", "1e20", "123456789012345678901234567890", '"NaN"'])
def test_huge_numbers_are_refused_per_field(api_as, member, key_result, value):
    body = f'{{"key_result": {key_result.pk}, "value": {value}, "confidence": "on_track"}}'
    response = post_raw(api_as(member), "/api/v1/check-ins/", body)
    assert response.status_code == 400
    assert "value" in response.json()


def test_extra_decimal_places_are_rounded(api_as, member, key_result):
    body = (
        f'{{"key_result": {key_result.pk}, "value": 0.30000000000000004, "confidence": "at_risk"}}'
    )
    response = post_raw(api_as(member), "/api/v1/check-ins/", body)
    assert response.status_code == 201
    assert response.json()["value"] == 0.3


@pytest.mark.parametrize(
    "payload",
    [
        {"key_result": "abc", "value": 1, "confidence": "on_track"},
        {"key_result": True, "value": 1, "confidence": "on_track"},
        {"key_result": 1.5, "value": 1, "confidence": "on_track"},
        {"key_result": 2**70, "value": 1, "confidence": "on_track"},
        {"key_result": 999999, "value": 1, "confidence": "on_track"},
        {"key_result": [1], "value": 1, "confidence": "on_track"},
    ],
)
def test_wrong_or_unknown_ids_are_a_400_on_the_field(api_as, member, payload):
    response = api_as(member).post("/api/v1/check-ins/", payload, format="json")
    assert response.status_code == 400
    assert "key_result" in response.json()


@pytest.mark.parametrize("value", [True, [], {}, "deux"])
def test_wrong_types_are_a_400_on_the_field(api_as, member, key_result, value):
    payload = {"key_result": key_result.pk, "value": value, "confidence": "on_track"}
    response = api_as(member).post("/api/v1/check-ins/", payload, format="json")
    assert response.status_code == 400
    assert "value" in response.json()


def test_a_string_where_text_is_expected_must_be_text(api_as, member, cycle):
    payload = {"cycle": cycle.pk, "title": 12, "level": "individual"}
    response = api_as(member).post("/api/v1/objectives/", payload, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_a_body_that_is_not_an_object_is_a_400(api_as, member):
    response = api_as(member).post("/api/v1/objectives/", [1, 2], format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("pk", ["abc", "1.5", "0", "-1", str(2**70), "%C3%A9"])
def test_an_id_in_the_url_that_cannot_exist_is_a_json_404(api_as, member, pk):
    response = api_as(member).get(f"/api/v1/objectives/{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "query", ["cycle=abc", f"team={2**70}", "level=", "page_size=0", "page_size=abc"]
)
def test_bad_query_parameters_are_a_400(api_as, member, query):
    assert api_as(member).get(f"/api/v1/objectives/?{query}").status_code == 400


def test_a_page_past_the_end_is_a_404(api_as, member):
    assert api_as(member).get("/api/v1/objectives/?page=99").status_code == 404


def test_errors_speak_the_accept_language(api_as, member, cycle):
    api = api_as(member, HTTP_ACCEPT_LANGUAGE="fr")
    response = api.post("/api/v1/objectives/", {"cycle": cycle.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["title"] == ["Ce champ est obligatoire."]
    assert response["Content-Language"] == "fr"


def test_errors_speak_the_persons_stored_language_without_accept_language(api_as, member, cycle):
    member.language = "fr"
    member.save()
    response = api_as(member).post("/api/v1/objectives/", {"cycle": cycle.pk}, format="json")
    assert response.json()["title"] == ["Ce champ est obligatoire."]
    member.language = "en"
    member.save()
    response = api_as(member).post("/api/v1/objectives/", {"cycle": cycle.pk}, format="json")
    assert response.json()["title"] == ["This field is required."]


def test_service_rules_come_back_per_field(api_as, lead, cycle, team):
    parent = ObjectiveFactory(cycle=cycle, team=team, level="individual")
    payload = {
        "cycle": cycle.pk,
        "title": "Notre équipe",
        "level": "team",
        "team": team.pk,
        "parent": parent.pk,
    }
    response = api_as(lead).post("/api/v1/objectives/", payload, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    assert Objective.objects.count() == 1


def test_a_nested_key_result_error_comes_back_under_its_index(api_as, member, cycle, team):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    other = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team))
    response = api_as(member, HTTP_ACCEPT_LANGUAGE="en").patch(
        f"/api/v1/objectives/{objective.pk}/",
        {"key_results": [{"id": other.pk, "title": "Hijack", "start_value": 0, "target_value": 5}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["key_results"]
    assert list(response.json()["key_results"]["0"]) == ["non_field_errors"]


def test_nested_service_errors_are_nested_like_drf_errors():
    assert nested_errors(
        {
            "__all__": ["a"],
            "key_results.0.__all__": ["b"],
            "key_results.0.title": ["c"],
            "key_results.2.target_value": ["d"],
            "title": ["e"],
        }
    ) == {
        "non_field_errors": ["a"],
        "key_results": {
            "0": {"non_field_errors": ["b"], "title": ["c"]},
            "2": {"target_value": ["d"]},
        },
        "title": ["e"],
    }
    assert nested_errors({"key_results.0.title": ["x"], "key_results": ["y"]}) == {
        "key_results": {"0": {"title": ["x"]}, "non_field_errors": ["y"]}
    }
