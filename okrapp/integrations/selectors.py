"""Reads of the integrations: what each event says (a webhook's `data`, a chat message), the
channels of a team, the endpoints and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from checkins.models import CheckIn
from kpis.models import KPI
from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle, Team, User
from okrapp.integrations.models import ChatChannel, WebhookDelivery, WebhookEndpoint

DELIVERY_LOG_SIZE = 100


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def _number(value) -> str | None:
    return None if value is None else str(value)


def _objective(objective: Objective) -> dict:
    return {
        "id": objective.pk,
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "kind": objective.kind,
        "visibility": objective.visibility,
        "cycle_id": objective.cycle_id,
        "team_id": objective.team_id,
        "parent_id": objective.parent_id,
        "owner": _person(objective.owner),
        "score": _number(objective.score),
        "url": absolute(reverse("objectives:detail", args=[objective.pk])),
    }


def _key_result(key_result: KeyResult) -> dict:
    return {
        "id": key_result.pk,
        "title": key_result.title,
        "objective_id": key_result.objective_id,
        "objective_title": key_result.objective.title,
        "visibility": key_result.objective.visibility,
        "owner": _person(key_result.owner),
        "kind": key_result.kind,
        "start_value": _number(key_result.start_value),
        "target_value": _number(key_result.target_value),
        "current_value": _number(key_result.current_value),
        "unit": key_result.unit,
        "confidence": key_result.confidence,
        "score": _number(key_result.score),
        "url": absolute(reverse("checkins:key_result", args=[key_result.pk])),
    }


def _kpi(kpi: KPI) -> dict:
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "unit": kpi.unit,
        "visibility": kpi.visibility,
        "team_id": kpi.team_id,
        "owner": _person(kpi.owner),
        "target_value": _number(kpi.target_value),
        "url": absolute(reverse("kpis:detail", args=[kpi.pk])),
    }


def event_data(event: str, ids: dict) -> dict | None:
    """A webhook's `data` for one event, as the change left it; None when the object is gone.
    Endpoints belong to admins, who see everything: private objectives are included (their
    `visibility` says so). One or two queries."""
    if event == "checkin.created":
        checkin = (
            CheckIn.objects.select_related("author", "key_result__owner", "key_result__objective")
            .filter(pk=ids["checkin_id"])
            .first()
        )
        if checkin is None:
            return None
        return {
            "checkin": {
                "id": checkin.pk,
                "value": _number(checkin.value),
                "confidence": checkin.confidence,
                "comment": checkin.comment,
                "blockers": checkin.blockers,
                "author": _person(checkin.author),
                "created_at": checkin.created_at.isoformat(),
            },
            "key_result": _key_result(checkin.key_result),
        }
    if event == "key_result.updated":
        key_result = (
            KeyResult.objects.select_related("owner", "objective")
            .filter(pk=ids["key_result_id"])
            .first()
        )
        return None if key_result is None else {"key_result": _key_result(key_result)}
    if event in ("objective.created", "objective.updated"):
        objective = Objective.all_objects.select_related("owner").filter(pk=ids["objective_id"])
        objective = objective.first()
        if objective is None:
            return None
        key_results = objective.key_results.select_related("owner", "objective").order_by(
            "position", "id"
        )
        return {
            "objective": _objective(objective),
            "key_results": [_key_result(key_result) for key_result in key_results],
        }
    if event == "kpi.status_changed":
        kpi = KPI.objects.select_related("owner").filter(pk=ids["kpi_id"]).first()
        if kpi is None:
            return None
        return {"kpi": _kpi(kpi), "previous_status": ids["previous"], "status": ids["status"]}
    if event == "cycle.status_changed":
        cycle = Cycle.objects.filter(pk=ids["cycle_id"]).first()
        if cycle is None:
            return None
        return {
            "cycle": {
                "id": cycle.pk,
                "name": cycle.name,
                "start": cycle.start_date.isoformat(),
                "end": cycle.end_date.isoformat(),
                "status": cycle.status,
            },
            "previous_status": ids["previous"],
        }
    return None


def subscribed_endpoints(event: str) -> list[WebhookEndpoint]:
    """Active endpoints that chose this event: one query (the list is short, and a JSON
    `contains` lookup is not portable to SQLite)."""
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if event in endpoint.events
    ]


def team_channels(team_id: int) -> list[ChatChannel]:
    return list(ChatChannel.objects.filter(team_id=team_id).order_by("name", "id"))


def channels_of(team: Team) -> list[ChatChannel]:
    return list(
        ChatChannel.objects.filter(team=team).select_related("created_by").order_by("name", "id")
    )


def endpoints_page() -> list[WebhookEndpoint]:
    """Every endpoint with its counts of deliveries: one query."""
    return list(
        WebhookEndpoint.objects.select_related("owner")
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status="sent")),
            given_up=Count("deliveries", filter=Q(deliveries__status="failed")),
        )
        .order_by("name", "id")
    )


def deliveries_of(endpoint: WebhookEndpoint, limit: int = DELIVERY_LOG_SIZE):
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")[:limit]
