"""The OpenAPI schema and its documentation page."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_documents_every_v1_resource(client):
    paths = schema(client)["paths"]
    for resource in [
        "/api/v1/me/",
        "/api/v1/users/",
        "/api/v1/teams/",
        "/api/v1/cycles/",
        "/api/v1/cycles/{id}/scores/",
        "/api/v1/objectives/",
        "/api/v1/key-results/",
        "/api/v1/check-ins/",
        "/api/v1/kpis/",
        "/api/v1/kpis/{id}/measurements/",
        "/api/v1/tokens/",
        "/api/v1/comments/",
        "/api/v1/comments/{id}/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
    ]:
        assert resource in paths


def test_every_operation_documents_its_refusals(client):
    for path, operations in schema(client)["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)


def test_every_operation_documents_the_throttles_429(client):
    for path, operations in schema(client)["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)


def test_numbers_are_json_numbers_in_the_schema(client):
    components = schema(client)["components"]["schemas"]
    assert components["KeyResult"]["properties"]["target_value"]["type"] == "number"
    assert components["Objective"]["properties"]["score"]["type"] == "number"


def test_the_docs_page_loads_its_scripts_from_files_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.replace(" ", "")
    assert "script-src 'self'" in response["Content-Security-Policy"]
