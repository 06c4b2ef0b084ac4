"""The optional read replica (DATABASE_REPLICA_URL): settings register ReplicaRouter only when
it is configured.

A replica lags the primary by a few seconds, so nothing reads from it by default: only code
inside `reads_from_replica()` does (the dashboard's read-only pages, through `replica_reads`),
and even there a read inside a transaction goes to the primary, which holds what that
transaction wrote. Every write goes to the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within this block, reads outside a transaction may go to the replica (when there is
    one): for pages that only read, and where data a few seconds old is acceptable."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose GET (and HEAD) reads from the replica; any other method, the primary."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        with reads_from_replica():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: a row read from either is the same row.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
