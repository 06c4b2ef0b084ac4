"""The team week's many rows, drawn once per content and shared by everyone
(okrapp.core.drawings): the table of every team's numbers, and each person's key results.

A drawing holds only the plain values given here, taken from what the selectors return to
this viewer: the numbers already leave out the key results the viewer may not see, and the
lists hold only key results the viewer may see.
"""

from __future__ import annotations

from django.http import QueryDict
from django.utils.safestring import SafeString

from checkins.selectors import TeamWeek
from okrapp.core.drawings import draw, draw_many

SUMMARY_ROWS = "checkins/_team_summary_rows.html"
KEY_RESULTS = "checkins/_person_key_results.html"


def summary_rows(summaries, chosen: int | None, query: QueryDict) -> SafeString:
    """The table's rows for one page of `TeamWeekSummary`; each team's link keeps the page
    and chooses that team (nothing else of the address: it keys a drawing kept for a day)."""
    others = QueryDict(mutable=True)
    if query.get("page"):
        others["page"] = query["page"]
    rows = [
        {
            "pk": summary.team.pk,
            "name": summary.team.name,
            "people": summary.people,
            "key_results": summary.key_results,
            "done": summary.done,
            "people_behind": summary.people_behind,
        }
        for summary in summaries
    ]
    return draw(SUMMARY_ROWS, {"rows": rows, "chosen": chosen, "query": others.urlencode()})


def attach_key_result_lists(teams: list[TeamWeek]) -> None:
    """Give each person with key results their list's HTML (`key_results_html`)."""
    people = [person for entry in teams for person in entry.people if person.key_results]
    drawn = draw_many(
        KEY_RESULTS,
        [
            {
                "key_results": [
                    {"pk": kr.pk, "title": kr.title, "checked": kr.checked_this_week}
                    for kr in person.key_results
                ]
            }
            for person in people
        ],
    )
    for person, html in zip(people, drawn, strict=True):
        person.key_results_html = html
