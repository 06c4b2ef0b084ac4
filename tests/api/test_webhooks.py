"""API v1 webhooks: admins only, the secret answered once, bad input a 400."""

from __future__ import annotations

import pytest

from okrapp.integrations import services
from okrapp.integrations.models import WebhookEndpoint

URL = "https://93.184.216.34/hook"


def _create(api, **data):
    body = {"name": "CRM", "url": URL, "events": ["checkin.created"], **data}
    return api.post("/api/v1/webhooks/", body, format="json")


def test_an_admin_registers_an_endpoint_and_gets_its_secret_once(api_as, admin):
    api = api_as(admin)
    response = _create(api)
    assert response.status_code == 201, response.json()
    secret = response.json()["secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert services.secret_box.decrypt(endpoint.secret_encrypted) == secret
    assert secret not in api.get("/api/v1/webhooks/").content.decode()
    assert "secret" not in api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()


def test_an_admin_changes_and_deletes_an_endpoint(api_as, admin):
    api = api_as(admin)
    pk = _create(api).json()["id"]
    response = api.patch(
        f"/api/v1/webhooks/{pk}/", {"events": ["kpi.status_changed"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["events"] == ["kpi.status_changed"]
    assert api.delete(f"/api/v1/webhooks/{pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_is_listed(api_as, admin):
    api = api_as(admin)
    pk = _create(api).json()["id"]
    response = api.get(f"/api/v1/webhooks/{pk}/deliveries/")
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "http://93.184.216.34/hook"}, "url"),
        ({"url": "https://127.0.0.1/hook"}, "url"),
        ({"url": "https://169.254.169.254/"}, "url"),
        ({"url": 12}, "url"),
        ({"events": []}, "events"),
        ({"events": ["everything"]}, "events"),
        ({"events": "checkin.created"}, "events"),
        ({"name": ""}, "name"),
        ({"secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, admin, data, field):
    response = _create(api_as(admin), **data)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("who", ["member", "lead", "outsider"])
def test_only_admins_use_the_webhooks_api(api_as, request, who, admin):
    pk = _create(api_as(admin)).json()["id"]
    api = api_as(request.getfixturevalue(who))
    assert api.get("/api/v1/webhooks/").status_code == 403
    assert api.get(f"/api/v1/webhooks/{pk}/deliveries/").status_code == 403
    assert _create(api).status_code == 403
    assert api.delete(f"/api/v1/webhooks/{pk}/").status_code == 403


def test_anonymous_callers_get_a_401(anonymous_api):
    assert anonymous_api.get("/api/v1/webhooks/").status_code == 401


def test_the_list_runs_a_bounded_number_of_queries(api_as, admin, django_assert_max_num_queries):
    api = api_as(admin)
    for size in (1, 10):
        while WebhookEndpoint.objects.count() < size:
            _create(api)
        with django_assert_max_num_queries(8):
            assert api.get("/api/v1/webhooks/").status_code == 200
