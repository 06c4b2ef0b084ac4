"""Template fragments drawn once per content and language, and shared by everyone.

A fragment drawn here receives nothing but the plain values it is given (no request, no model),
so its HTML is a function of those values, of its template and of the language: the cache key
is their digest. A fragment whose values change gets another key, so nothing is invalidated
and nothing stale is shown; values a viewer may not see are never given to a fragment shown to
them (the callers mask them first, as for any template).
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

KEPT_SECONDS = 24 * 3600


def _key(template: str, values: dict) -> str:
    # JSON with str() for the rest: a lazy translation counts by its text, a Decimal by its
    # digits, never by an address in memory.
    content = json.dumps([template, get_language() or "", values], sort_keys=True, default=str)
    return "okr:drawn:" + hashlib.sha256(content.encode()).hexdigest()


def _safe(html: str) -> SafeString:
    # Drawn by a template, which escaped every value: the cache hands back that same text.
    return mark_safe(html)


def draw_many(template: str, many: list[dict]) -> list[SafeString]:
    """`template` drawn with each of `many`: the fragments drawn before come from the cache
    in one round trip, the others are drawn and kept. The cache being down only means
    drawing them all."""
    keys = [_key(template, values) for values in many]
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.warning("drawings cache unreachable: drawing %s", template, exc_info=True)
        found = {}
    new: dict[str, str] = {}
    drawn = []
    for key, values in zip(keys, many, strict=True):
        html = found.get(key)
        if html is None:
            html = new[key] = render_to_string(template, values)
        drawn.append(_safe(html))
    if new:
        try:
            cache.set_many(new, timeout=KEPT_SECONDS)
        except Exception:
            logger.warning("drawings cache unreachable: %s not kept", template, exc_info=True)
    return drawn


def draw(template: str, values: dict) -> SafeString:
    return draw_many(template, [values])[0]
