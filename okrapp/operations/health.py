"""What /readyz checks: the database answers, every migration is applied, the broker answers.

Each check answers a word, never an error's text: a probe's answer may be read by anyone who
can reach the port, so it names no host, version or exception.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

OK, UNAVAILABLE, PENDING, UNKNOWN, NOT_USED = "ok", "unavailable", "pending", "unknown", "not used"

# Once every migration is applied it stays so until new code is deployed, which restarts the
# process: the migration graph (read from disk) is loaded only until the first success.
_migrated = False


def database() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("Readiness: the database does not answer.", exc_info=True)
        return UNAVAILABLE
    return OK


def migrations() -> str:
    global _migrated
    if _migrated:
        return OK
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        logger.warning("Readiness: the migrations could not be read.", exc_info=True)
        return UNKNOWN
    if plan:
        logger.warning("Readiness: %s migrations are not applied.", len(plan))
        return PENDING
    _migrated = True
    return OK


def broker() -> str:
    """The Celery broker (Redis). Without one (the embedded default) tasks run in-process."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return NOT_USED
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        logger.warning("Readiness: the broker does not answer.")
        return UNAVAILABLE
    return OK


def readiness() -> tuple[int, dict]:
    """The HTTP status and body of /readyz.

    1. Database down, or a migration not applied: 503 "unavailable" (no page can be served).
    2. Broker down: 200 "degraded": pages still serve, and background work waits as recorded
       jobs until the broker is back (okrapp.core.jobs).
    3. Otherwise 200 "ok".
    """
    checks = {"database": database()}
    checks["migrations"] = migrations() if checks["database"] == OK else UNKNOWN
    checks["broker"] = broker()
    if checks["database"] != OK or checks["migrations"] != OK:
        return 503, {"status": "unavailable", "checks": checks}
    if checks["broker"] == UNAVAILABLE:
        return 200, {"status": "degraded", "checks": checks}
    return 200, {"status": "ok", "checks": checks}
