"""The dashboard's sections (the dash-* partials of templates/okrapp/dashboard.html), each
drawn once and shared by every viewer who would see it the same.

A section's HTML is a function of the organisation's figures (the freshness version moves
with every write), of the cycle, scope and opened branches, the day, the language and the
code, and of what the viewer may see of it: which lines of the KPI panel, the changes and
the attention list are visible to them (the masked ones show no title), and whose silence
they oversee. Those are its key's parts; a section reads nothing else of the viewer (it is
drawn without the request), so two viewers with the same parts see the same HTML.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from okrapp.core import freshness
from okrapp.core.drawings import code_fingerprint

TEMPLATE = "okrapp/dashboard.html#dash-{}"


def _visible(lines) -> str:
    return "".join("1" if line.visible else "0" for line in lines)


def section_keys(page: dict) -> dict[str, tuple]:
    """What each section depends on besides the organisation's figures and the scope."""
    kpis, changes, silence = page["kpis"], page["changes"], page["silence"]
    return {
        "summary": (),
        "kpis": (_visible(kpis.alerts),),
        "tree": (",".join(map(str, sorted(page["open_ids"]))),),
        "changes": (
            (_visible(kpis.changed), _visible(changes.drops), _visible(changes.blockers))
            if changes
            else ("none",)
        ),
        "attention": (_visible(page["attention"]),),
        "silence": (silence.oversight if silence else "none",),
    }


def draw_sections(page: dict) -> dict[str, SafeString]:
    """Every section of `page` (the dashboard's context), from the cache when drawn before."""
    common = (
        page["cycle"].pk,
        page["scope"].pk,
        timezone.localdate(),
        get_language() or "",
        code_fingerprint(),
    )
    return {
        name: mark_safe(  # drawn by the template, which escaped every value
            freshness.cached(
                f"dashboard_{name}",
                lambda name=name: render_to_string(TEMPLATE.format(name), page),
                *common,
                *parts,
            )
        )
        for name, parts in section_keys(page).items()
    }
