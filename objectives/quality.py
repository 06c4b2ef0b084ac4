"""The OKR coach: advice from the seeds, as pure functions. Warnings, never blocks.

- The objective is qualitative and inspiring: no figures in its title.
- 2 to 5 key results per objective; at most 3 objectives per owner and level in a cycle.
- A key result has a numeric target, and is an outcome, not a task ("Generate 500 qualified
  leads", not "Launch the campaign").

Messages are in the active language (gettext at call time).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5
MAX_OBJECTIVES_PER_OWNER = 3

# Whole words or phrases, compared without case or accents. Infinitives and the
# imperative/first forms people write at the start of a to-do.
TASK_VERBS = (
    # English
    "launch",
    "publish",
    "organise",
    "organize",
    "do",
    "write",
    "create",
    "send",
    "set up",
    "implement",
    "hold",
    # French
    "lancer",
    "lance",
    "publier",
    "organiser",
    "faire",
    "rediger",
    "creer",
    "envoyer",
    "mettre en place",
    "mettre en oeuvre",
    "realiser",
)

FIGURE = re.compile(r"\d")


@dataclass(frozen=True)
class KeyResultDraft:
    """What the coach needs to know of a key result being written."""

    title: str
    target: Decimal | None = None
    is_milestone: bool = False


@dataclass(frozen=True)
class Warning:
    """One piece of advice. `field` is "title", "key_results", "owner" or "key_result";
    `index` is the key result's position in the list given to the coach."""

    field: str
    message: str
    index: int | None = None


def normalise(text: str) -> str:
    """Lower case, no accents, ligatures opened, punctuation turned into spaces."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def task_verb(title: str) -> str | None:
    """The first task-like verb found in a title (as written in TASK_VERBS), or None."""
    padded = f" {normalise(title)} "
    for verb in TASK_VERBS:
        if f" {verb} " in padded:
            return verb
    return None


def has_figure(title: str) -> bool:
    return bool(FIGURE.search(title))


def title_warnings(title: str) -> list[Warning]:
    if has_figure(title):
        return [
            Warning(
                "title",
                _(
                    "The objective has a figure in its title: keep it qualitative and "
                    "inspiring, and put the numbers in the key results."
                ),
            )
        ]
    return []


def count_warnings(key_result_count: int) -> list[Warning]:
    if key_result_count < MIN_KEY_RESULTS:
        return [
            Warning(
                "key_results",
                ngettext(
                    "Only %(count)d key result: aim for 2 to 5.",
                    "Only %(count)d key results: aim for 2 to 5.",
                    key_result_count,
                )
                % {"count": key_result_count},
            )
        ]
    if key_result_count > MAX_KEY_RESULTS:
        return [
            Warning(
                "key_results",
                _("%(count)d key results: more than 5 blurs the focus; keep the 5 that matter.")
                % {"count": key_result_count},
            )
        ]
    return []


def load_warnings(objectives_for_owner_and_level: int) -> list[Warning]:
    """`objectives_for_owner_and_level` counts the one being edited."""
    if objectives_for_owner_and_level > MAX_OBJECTIVES_PER_OWNER:
        return [
            Warning(
                "owner",
                _(
                    "This owner would have %(count)d objectives at this level in the cycle: "
                    "3 at most keeps them achievable."
                )
                % {"count": objectives_for_owner_and_level},
            )
        ]
    return []


def key_result_warnings(draft: KeyResultDraft, index: int) -> list[Warning]:
    warnings = []
    if not draft.is_milestone and draft.target is None:
        warnings.append(
            Warning(
                "key_result",
                _("No numeric target: how will you know it is reached?"),
                index,
            )
        )
    verb = task_verb(draft.title)
    if verb is not None:
        warnings.append(
            Warning(
                "key_result",
                _(
                    "“%(verb)s” sounds like a task. A key result is an outcome you measure; "
                    "put the task in an initiative."
                )
                % {"verb": verb},
                index,
            )
        )
    return warnings


def objective_warnings(
    *,
    title: str,
    key_results: Sequence[KeyResultDraft],
    objectives_for_owner_and_level: int = 1,
    rows_on_screen: int | None = None,
) -> list[Warning]:
    """Every warning for an objective being written, in the order of the form. The count
    is of the key result rows on screen (`rows_on_screen`, when the editor knows it): the
    person sees them, and "only 0" beside three rows reads as a bug."""
    warnings = title_warnings(title)
    warnings += load_warnings(objectives_for_owner_and_level)
    shown = len(key_results) if rows_on_screen is None else max(rows_on_screen, len(key_results))
    warnings += count_warnings(shown)
    for index, draft in enumerate(key_results):
        warnings += key_result_warnings(draft, index)
    return warnings


@dataclass(frozen=True)
class Advice:
    """The coach's warnings by where the editor shows them.

    - `all`: (key result number from 1, or None, message) for the summary, in order;
    - `fields`: messages beside the "title", "owner" and "key_results" fields;
    - `rows`: messages beside each key result row, by row name; every row of the page has a
      list, an empty one clearing what it showed before.
    """

    all: list[tuple[int | None, str]]
    fields: dict[str, list[str]]
    rows: dict[str, list[str]]


def advice(
    warnings: Sequence[Warning], *, draft_rows: Sequence[str], rows: Sequence[str] = ()
) -> Advice:
    """Group the warnings by place. `draft_rows[i]` names the row of the i-th key result given
    to the coach (a warning's `index`); `rows` names every row on the page."""
    by_row: dict[str, list[str]] = {name: [] for name in rows}
    by_field: dict[str, list[str]] = {"title": [], "owner": [], "key_results": []}
    for warning in warnings:
        if warning.field == "key_result":
            by_row.setdefault(draft_rows[warning.index], []).append(warning.message)
        else:
            by_field[warning.field].append(warning.message)
    summary = [
        (None if warning.index is None else warning.index + 1, warning.message)
        for warning in warnings
    ]
    return Advice(all=summary, fields=by_field, rows=by_row)
