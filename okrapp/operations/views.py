"""Probes and metrics: no session, no page, nothing about the machine in the answer.

They are routed in okrapp/urls.py and answered before the rest of the middleware by
okrapp.operations.middleware.OperationsEndpointsMiddleware.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from okrapp.operations import health
from okrapp.operations.metrics import render as render_metrics


def _uncached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A failing probe has logged its reason once; Django would log every 503 again.
    response._has_been_logged = True
    return response


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; nothing else is asked (a liveness probe)."""
    return _uncached(JsonResponse({"status": "ok"}))


@login_not_required
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """May this process take traffic? (okrapp.operations.health.readiness)"""
    status, body = health.readiness()
    return _uncached(JsonResponse(body, status=status))


@login_not_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return _uncached(HttpResponse("Not found\n", status=404, content_type="text/plain"))
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return _uncached(response)
    return _uncached(HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4"))
