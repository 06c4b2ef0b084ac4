"""The one log line of each request (django-structlog's request_finished) says the method, the
path (without its query string, which may carry tokens), the status and the duration; the
request id bound to every line of the request also goes back to the client as X-Request-ID, so
a person reporting a problem can quote it."""

from __future__ import annotations

import time

import structlog
from django_structlog import signals


def _started(request, logger, log_kwargs, **kwargs) -> None:
    request._log_started = time.perf_counter()


def _describe(request, log_kwargs: dict) -> None:
    log_kwargs.pop("request", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.path
    log_kwargs["status"] = log_kwargs.pop("code", None)
    started = getattr(request, "_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)


def _finished(request, logger, response, log_kwargs, **kwargs) -> None:
    _describe(request, log_kwargs)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response["X-Request-ID"] = request_id


def _failed(request, logger, exception, log_kwargs, **kwargs) -> None:
    _describe(request, log_kwargs)


def connect() -> None:
    signals.bind_extra_request_metadata.connect(_started, dispatch_uid="okr-log-started")
    signals.bind_extra_request_finished_metadata.connect(_finished, dispatch_uid="okr-log-done")
    signals.bind_extra_request_failed_metadata.connect(_failed, dispatch_uid="okr-log-failed")
