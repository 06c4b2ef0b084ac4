"""Template fragments drawn once per content and language, and shared by everyone.

A fragment drawn here receives nothing but the plain values it is given (no request, no model),
so its HTML is a function of those values, of its template and of the language: the cache key
is their digest. A fragment whose values change gets another key, so nothing is invalidated
and nothing stale is shown (the key also holds a digest of the templates and template tags, so
a deploy draws anew); values a viewer may not see are never given to a fragment shown to
them (the callers mask them first, as for any template).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging

import django
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

KEPT_SECONDS = 24 * 3600
BASE = settings.BASE_DIR


# What a drawing depends on besides its values: templates, their tags and the formatting
# and wording they use.
DRAWING_CODE = (
    "templates/**/*.html",
    "*/templatetags/*.py",
    "okrapp/*/templatetags/*.py",
    "okrapp/core/charts.py",
    "okrapp/core/numbers.py",
    "objectives/scoring.py",
    "locale/*/LC_MESSAGES/*.mo",
    # What draws a form's fields (draw_form): the forms, their fields and pickers.
    "*/forms.py",
    "okrapp/core/forms.py",
    "okrapp/core/pickers.py",
)


@functools.cache
def code_fingerprint() -> str:
    """A digest of what draws the fragments (DRAWING_CODE), read once per process: a deploy
    that changes how a fragment is drawn draws it anew instead of serving the old drawing."""
    # Django's own widget templates and rendering draw the forms' fields too.
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted({path for pattern in DRAWING_CODE for path in BASE.glob(pattern)}):
        digest.update(str(path.relative_to(BASE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(template: str, values: dict) -> str:
    # JSON with str() for the rest: a lazy translation counts by its text, a Decimal by its
    # digits, never by an address in memory.
    content = json.dumps([template, get_language() or "", values], sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode()).hexdigest()
    return f"okr:drawn:{code_fingerprint()}:{digest}"


def _safe(html: str) -> SafeString:
    # Drawn by a template, which escaped every value: the cache hands back that same text.
    return mark_safe(html)


def draw_many(template: str, many: list[dict]) -> list[SafeString]:
    """`template` drawn with each of `many`: the fragments drawn before come from the cache
    in one round trip, the others are drawn and kept. The cache being down only means
    drawing them all."""
    return draw_each([(template, values) for values in many])


def draw_each(drawings: list[tuple[str, dict]]) -> list[SafeString]:
    """Each (template, values) drawn, as draw_many, in one round trip for them all."""
    keys = [_key(template, values) for template, values in drawings]
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.warning("drawings cache unreachable: drawing %d fragments", len(keys), exc_info=True)
        found = {}
    new: dict[str, str] = {}
    drawn = []
    for key, (template, values) in zip(keys, drawings, strict=True):
        html = found.get(key)
        if html is None:
            html = new[key] = render_to_string(template, values)
        drawn.append(_safe(html))
    if new:
        try:
            cache.set_many(new, timeout=KEPT_SECONDS)
        except Exception:
            logger.warning("drawings cache unreachable: %d not kept", len(new), exc_info=True)
    return drawn


def draw(template: str, values: dict) -> SafeString:
    return draw_many(template, [values])[0]


def _field_description(bound) -> dict:
    field, widget = bound.field, bound.field.widget
    described = {
        "name": bound.html_name,
        "id": bound.auto_id,
        "label": bound.label,
        "help_text": field.help_text,
        "classes": [type(field).__qualname__, type(widget).__qualname__, widget.template_name],
        "attrs": bound.build_widget_attrs(widget.attrs, widget),
        "hidden": widget.is_hidden,
        "value": bound.value(),
        "errors": list(bound.errors) if bound.form.is_bound else [],
    }
    if hasattr(widget, "options_for"):  # a picker (okrapp.core.pickers)
        described["options"] = widget.options_for(bound.value())
        described["search"] = [widget.source.name, widget.search_params()]
    elif hasattr(widget, "choices"):
        described["options"] = [(value, str(label)) for value, label in widget.choices]
    return described


def form_description(form) -> dict:
    """Everything a form's fields are drawn from (names, ids, labels, attributes, values,
    options, errors): plain values, which key the drawing as a card's values key a card."""
    return {
        "form": f"{type(form).__module__}.{type(form).__qualname__}",
        "label_suffix": form.label_suffix,
        "errors": list(form.non_field_errors()) if form.is_bound else [],
        "fields": [_field_description(bound) for bound in form],
    }


def draw_form(template: str, form, **values) -> SafeString:
    """`template` drawn with `form` (and `values`), once per content: its fields' HTML is
    a function of their description (`form_description`), which keys the drawing; the form
    itself is only read to draw it the first time. Django's form rendering is a template per
    widget, attribute and option: a page's few fields cost milliseconds each time."""
    key = _key(template, {**values, "form": form_description(form)})
    try:
        html = cache.get(key)
    except Exception:
        logger.warning("drawings cache unreachable: drawing %s", template, exc_info=True)
        return _safe(render_to_string(template, {**values, "form": form}))
    if html is None:
        html = render_to_string(template, {**values, "form": form})
        try:
            cache.set(key, html, timeout=KEPT_SECONDS)
        except Exception:
            logger.warning("drawings cache unreachable: %s not kept", template, exc_info=True)
    return _safe(html)
