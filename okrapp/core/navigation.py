"""Where to go after a form: a `next` URL only when it stays on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, fallback: str, *, candidate: str | None = None) -> str:
    """`candidate` (by default the request's `next`, from POST then GET) if it is a path of
    this site (no other host, no scheme downgrade), else `fallback`. Only absolute paths: a
    bare word would be taken for a view name by `redirect()`."""
    if candidate is None:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
