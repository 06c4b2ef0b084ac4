"""Template helpers for scores and values; the rules live in objectives.scoring and
okrapp.core.numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template

from objectives import scoring
from objectives.models import KeyResult
from okrapp.core import numbers
from okrapp.core.forms import error_summary

register = template.Library()


@register.filter
def score(value: Decimal | None) -> str:
    """A score as a whole number, or an em dash when there is none."""
    shown = scoring.display(value)
    return "—" if shown is None else str(shown)


@register.filter
def band(value: Decimal | None) -> str:
    return scoring.band(value)


@register.filter
def bar_width(value: Decimal | None) -> int:
    shown = scoring.display(value)
    return 0 if shown is None else max(0, min(100, shown))


@register.filter
def amount(value: Decimal | None) -> str:
    """A measured value without useless trailing zeros, in the active locale (12,5 / 12.5)."""
    return numbers.format_decimal(value)


@register.filter
def with_unit(value: Decimal | None, unit: str) -> str:
    """12,5 % / 1 234 visitors / — when there is no value."""
    return numbers.format_with_unit(value, unit)


@register.inclusion_tag("components/score_bar.html")
def score_bar(value: Decimal | None, label: str = "") -> dict:
    """A CSP-safe bar (SVG attributes, no inline style) with the number beside it."""
    return {
        "score": score(value),
        "band": band(value),
        "width": bar_width(value),
        "label": label,
    }


@register.inclusion_tag("components/key_result_value.html")
def key_result_value(key_result: KeyResult, value: Decimal | None) -> dict:
    """One of a key result's values as people read it: "Done" or "Not done" for a milestone,
    else the value with its unit."""
    done = (
        scoring.milestone_done(
            start=key_result.start_value, target=key_result.target_value, current=value
        )
        if key_result.is_milestone
        else None
    )
    return {"value": value, "unit": key_result.unit, "done": done}


@register.filter(name="error_summary")
def error_summary_filter(form) -> list[dict]:
    """A refused form's errors, each with its field's id (components/error_summary.html)."""
    return error_summary(form)
