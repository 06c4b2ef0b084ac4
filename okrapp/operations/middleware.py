from __future__ import annotations

import time

from django.http import HttpRequest

from okrapp.operations import metrics, views

ENDPOINTS = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.metrics}


class OperationsEndpointsMiddleware:
    """/healthz, /readyz and /metrics, answered before every other middleware: a load
    balancer or Prometheus calls by IP address over plain HTTP, which ALLOWED_HOSTS and the
    HTTPS redirect would refuse, and a probe needs neither a session nor a log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        view = ENDPOINTS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Counts every other request and its latency, by the view that answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        metrics.record_request(
            method=request.method or "",
            view=match.view_name if match is not None else "unresolved",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
