"""Logs and error reports, configured by okrapp/settings.py from the environment.

Logs: every line, the application's, Django's and Celery's, goes through structlog's formatter:
one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is off), readable
lines in development. A web request's lines carry its request id and user id, a task's its task
id (django-structlog; okrapp.operations.logs adds method, path, status and duration).

Errors: sent to Sentry (or a compatible tracker) when SENTRY_DSN is set, without personal data:
no cookies, headers or bodies (send_default_pii=False, no request bodies), and every email
address in an event replaced by "[email]".
"""

from __future__ import annotations

import re
from typing import Any

import structlog

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def logging_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    """Django's LOGGING: one handler on stderr whose formatter renders structlog's events and
    plain `logging` records alike, with the request or task context bound at the time."""
    if json_lines:
        render = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        render = [
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            )
        ]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
                # Records of plain `logging` loggers (Django, Celery, the apps) get the same keys.
                "foreign_pre_chain": [
                    structlog.contextvars.merge_contextvars,
                    structlog.stdlib.add_logger_name,
                    structlog.stdlib.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # The request_finished line already tells each request: runserver's access lines and
        # Django's "Not Found: …" warnings would say it twice. Server errors are still logged.
        "loggers": {
            "django.server": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
            # Apprise logs a mistyped chat address at ERROR; the channel's form says it, and
            # each message's outcome is kept on its row (okrapp.integrations).
            "apprise": {"level": "CRITICAL"},
        },
    }


def scrub_emails(value: Any) -> Any:
    """The value with every email address, at any depth, replaced by "[email]"."""
    if isinstance(value, str):
        return EMAIL_ADDRESS.sub("[email]", value)
    if isinstance(value, dict):
        return {key: scrub_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_emails(item) for item in value]
    return value


def _scrub_event(event: dict, hint: dict) -> dict:
    return scrub_emails(event)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=_scrub_event,
        before_send_transaction=_scrub_event,
        traces_sample_rate=traces_sample_rate,
    )
