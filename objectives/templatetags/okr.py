"""Template helpers for scores and values; the rules live in objectives.scoring and
okrapp.core.numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


SCORE_BAR = (
    '<span class="score-with-bar"><svg class="score-bar-svg" viewBox="0 0 100 8" '
    'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
    '<rect x="0" y="0" width="100" height="8" rx="4" class="track"></rect>{}</svg>'
    '<span class="score band-{}">{}{}</span></span>'
)


@register.simple_tag
def score_bar(value: Decimal | None, label: str = "") -> str:
    """A CSP-safe bar (SVG attributes, no inline style) with the number beside it. Built
    here rather than in a template: boards draw hundreds of them, and a template per bar
    was a fifth of their rendering."""
    shown_band, width = band(value), bar_width(value)
    fill = (
        format_html(
            '<rect x="0" y="0" width="{}" height="8" rx="4" class="fill fill-{}"></rect>',
            width,
            shown_band,
        )
        if width
        else ""
    )
    hidden_label = format_html('<span class="visually-hidden">{} </span>', label) if label else ""
    if shown_band == "none":
        number = format_html(
            '<span title="{}">—</span><span class="visually-hidden"> {}</span>',
            gettext("Not scored yet"),
            gettext("not scored yet"),
        )
    else:
        number = score(value)
    return format_html(SCORE_BAR, fill, shown_band, hidden_label, number)


@register.simple_tag
def kr_values(key_result: KeyResult) -> str:
    """A key result's current value against its target ("12 / 50 %"), or "Done" / "Not done
    yet" for a milestone."""
    if key_result.is_milestone:
        done = gettext("Done") if key_result.is_done else gettext("Not done yet")
        return format_html('<span class="kr-values">{}</span>', done)
    return format_html(
        '<span class="kr-values" title="{}">{} / {}</span>',
        gettext("Current value / target"),
        numbers.format_decimal(key_result.current_value),
        numbers.format_with_unit(key_result.target_value, key_result.display_unit),
    )


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


PACE_LABELS = {
    "ahead": _("Ahead of pace"),
    "on": _("On pace"),
    "behind": _("Behind pace"),
}


@register.inclusion_tag("components/pace_badge.html")
def pace_badge(value: Decimal | None, pace, aspirational: bool = False) -> dict:
    """Ahead / on / behind pace (objectives.pace) beside a score, in words: colour is never
    the only sign. Nothing without a score or a pace."""
    status = pace.status(value, aspirational=aspirational) if pace is not None else None
    if status is None:
        return {"status": None}
    expected = scoring.display(pace.expected(aspirational=aspirational))
    return {"status": status, "label": PACE_LABELS[status], "expected": expected}


@register.inclusion_tag("components/score_change.html")
def score_change(change: Decimal | None) -> dict:
    """A score's change since the last weekly snapshot: ↑ 3 / ↓ 2 / = , with the words for
    screen readers. Nothing when there is no snapshot a week old."""
    if change is None:
        return {"direction": None}
    points = scoring.display(abs(change)) or 0
    direction = "up" if change > 0 and points else "down" if change < 0 and points else "same"
    return {"direction": direction, "points": points}


@register.filter
def percent(share: Decimal | None) -> str:
    """A share (0–1) as a whole percentage in the active language: "49 %"."""
    if share is None:
        return "—"
    return f"{round(Decimal(share) * 100)} %"
