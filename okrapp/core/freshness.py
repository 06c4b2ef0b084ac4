"""Caching what many pages recompute from the whole organisation (the live roll-up, the KPIs'
statuses, what changed this week) without serving it stale.

Every committed write to the product's tables moves one version, and cached reads are keyed by
that version: the first read after a write recomputes, the next ones share its result. The
writes are seen where every one of them passes, in the database connection (an execute
wrapper), so an ORM `update()`, a bulk insert or a raw statement moves the version like a
`save()`.

- In autocommit a write moves the version at once; in a transaction it moves it when the
  transaction commits, so no other process caches what it has not committed yet.
- A read inside a transaction that has written computes afresh and caches nothing: it sees
  its own writes, which nobody else may see yet.
- The cache being down never fails a page: the value is computed as if nothing were cached.
- Cached values also expire after FRESHNESS_CACHE_SECONDS, which bounds what a lagging read
  replica, a write made while the cache was unreachable, or two writes sharing one version
  (the database cache, used without Redis, does not increment atomically) could leave behind.
- Rows loaded around the connection (PostgreSQL's COPY, as `make bench` builds) must call
  `bump()` themselves.
- A request reads the version once (the first cached read) and keeps it until it ends or
  writes: what it shows is the organisation as of that read, like a query started then.
- A key also holds a digest of the code that computes the values, so that a deploy never
  reads what the former code cached (its values may have another shape).
- Each process also keeps the values it has read, under the same keys, for the same time:
  a key names a version, so a value kept under it is as fresh as the shared one, and reading
  it again costs no unpickling. Callers treat cached values as read-only.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "okr:freshness:version"
# The apps whose tables feed the cached reads (their tables start with their labels), but for
# the tables nothing cached reads: conversations, reminders, deliveries, tokens, jobs.
WATCHED_PREFIXES = ("okrapp_", "objectives_", "checkins_", "kpis_")
UNWATCHED_TABLES = frozenset(
    {
        "checkins_comment",
        "checkins_comment_mentions",
        "checkins_notification",
        "checkins_notificationpreference",
        "checkins_nudge",
        "checkins_reaction",
        "checkins_reminder",
        "checkins_weeklydigestdelivery",
        "kpis_kpisync",
        "okrapp_invitation",
        "okrapp_job",
        "okrapp_personalaccesstoken",
        "okrapp_user_groups",
        "okrapp_user_user_permissions",
    }
)
WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE
)
TRUNCATE = re.compile(r"^\s*TRUNCATE\b", re.IGNORECASE)
# Signing in writes the person's last_login, which no cached read shows.
SIGN_IN = re.compile(
    r'^\s*UPDATE\s+[`"]?okrapp_user[`"]?\s+SET\s+[`"]?last_login[`"]?\s*=\s*%s\s+WHERE'
)

T = TypeVar("T")

# The code that computes the cached values (some hold drawn HTML, so templates and the
# catalogue too): a deploy that changes it must not read what the former code cached under
# the same version.
COMPUTING_CODE = (
    "okrapp/**/*.py",
    "objectives/**/*.py",
    "kpis/**/*.py",
    "checkins/**/*.py",
    "templates/**/*.html",
    "locale/*/LC_MESSAGES/*.mo",
)

# Values this process has read lately: key -> (monotonic expiry, value).
KEPT_IN_PROCESS = 128
_kept: OrderedDict[str, tuple[float, object]] = OrderedDict()
_kept_lock = threading.Lock()
# The version this thread's request read (okrapp.core.apps connects the request signals).
_request = threading.local()


def writes_watched_table(sql: str) -> bool:
    """Whether `sql` inserts, updates or deletes rows of a table the cached reads read (or
    empties tables: `flush`)."""
    if not sql or sql.lstrip()[:1].upper() not in ("I", "U", "D", "T"):
        return False
    if TRUNCATE.match(sql):
        return True
    match = WRITE.match(sql)
    if not match:
        return False
    table = match.group(1).lower()
    return (
        table.startswith(WATCHED_PREFIXES)
        and table not in UNWATCHED_TABLES
        and not SIGN_IN.match(sql)
    )


def version() -> int:
    """The current version. A missing one (first use, or evicted) starts at a random number,
    so that entries cached under an earlier version are never taken for current ones."""
    known = getattr(_request, "version", None)
    if known is not None:
        return known
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, random.randrange(1, 2**40), timeout=None)
        value = cache.get(VERSION_KEY)
    if getattr(_request, "open", False):
        _request.version = int(value)
    return int(value)


def request_started(**kwargs) -> None:
    _request.open, _request.version = True, None


def request_finished(**kwargs) -> None:
    _request.open, _request.version = False, None


def bump() -> None:
    """Move the version: every value cached so far is left behind."""
    _request.version = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: the next read starts one
        pass
    except DatabaseError:
        # The database cache's table comes with `migrate`: its own writes come first.
        logger.debug("freshness version not moved: no cache table yet", exc_info=True)
    except Exception:
        logger.warning("freshness version not moved: the cache is unreachable", exc_info=True)


def _pending(connection) -> bool:
    return any(callback is bump for _, callback, _ in connection.run_on_commit)


def note_writes(execute, sql, params, many, context):
    """The execute wrapper every connection carries (okrapp.core.apps)."""
    result = execute(sql, params, many, context)
    if writes_watched_table(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump()
        elif not _pending(connection):
            transaction.on_commit(bump, using=connection.alias)
    return result


def watch(connection, **kwargs) -> None:
    """connection_created: give the connection the wrapper, once."""
    if note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(note_writes)


def _uncommitted_writes() -> bool:
    return any(
        connection.in_atomic_block and _pending(connection) for connection in connections.all()
    )


@functools.cache
def code_fingerprint() -> str:
    """A digest of COMPUTING_CODE, read once per process."""
    base = settings.BASE_DIR
    digest = hashlib.sha256()
    for path in sorted({path for pattern in COMPUTING_CODE for path in base.glob(pattern)}):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _key_part(part) -> str:
    text = part.isoformat() if hasattr(part, "isoformat") else str(part)
    return text.replace(" ", "_")


def digest(values) -> str:
    """A key part standing for many values (a page's ids): a key stays short whatever their
    number."""
    return hashlib.sha256(",".join(map(str, values)).encode()).hexdigest()


def cached(name: str, compute: Callable[[], T], *parts) -> T:
    """`compute()`, shared by every process until the next write; `name` and `parts` tell
    the values apart (a cycle, a team, a day: whatever the result depends on)."""
    seconds = settings.FRESHNESS_CACHE_SECONDS
    if not seconds or _uncommitted_writes():
        return compute()
    try:
        key = ":".join(
            ["okr:freshness", code_fingerprint(), str(version()), name, *map(_key_part, parts)]
        )
        kept = _kept_value(key)
        if kept is not None:
            return kept
        value = cache.get(key)
    except Exception:
        logger.warning("freshness cache unreachable: computing %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=seconds)
        except Exception:
            logger.warning("freshness cache unreachable: %s not kept", name, exc_info=True)
            return value
    _keep(key, value, seconds)
    return value


def _kept_value(key: str):
    with _kept_lock:
        entry = _kept.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del _kept[key]
            return None
        _kept.move_to_end(key)
        return entry[1]


def _keep(key: str, value, seconds: int) -> None:
    with _kept_lock:
        _kept[key] = (time.monotonic() + seconds, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_IN_PROCESS:
            _kept.popitem(last=False)


def forget_kept() -> None:
    """Empty this process's copies (tests that change the shared cache behind its back)."""
    with _kept_lock:
        _kept.clear()
