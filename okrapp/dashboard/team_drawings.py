"""The team page's lists, drawn once per content and shared by everyone (okrapp.core.drawings):
its objectives, members and sub-teams.

A drawing holds only the plain values given here, taken from what `selectors.team_page`
returns to this viewer: an objective the viewer may not see gives no title to its drawing.
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from okrapp.core.drawings import draw_each

OBJECTIVES = "okrapp/team_objectives.html"
MEMBERS = "okrapp/team_members.html"
SUB_TEAMS = "okrapp/team_sub_teams.html"


def _objective(line) -> dict:
    objective = line.objective
    return {
        "visible": line.visible,
        "objective": {
            "pk": objective.pk,
            "title": objective.title if line.visible else "",
            "is_private": objective.is_private,
        },
        "level": str(objective.get_level_display()),
        "owner": str(objective.owner),
        "key_result_count": objective.key_result_count,
        "score": objective.score,
    }


def _member(line) -> dict:
    membership = line.membership
    return {
        "user_id": membership.user_id,
        "name": str(membership.user),
        "role": str(membership.get_role_display()),
        "is_primary": membership.is_primary,
        "score": line.score,
    }


def _sub_team(row) -> dict:
    return {
        "pk": row.team.pk,
        "name": row.team.name,
        "own_score": row.score.own_score,
        "rolled_up_score": row.score.rolled_up_score,
        "coverage": row.coverage,
    }


def team_lists(page: dict) -> dict[str, SafeString]:
    """The HTML of the page's lists (`objectives_html`, `members_html`, `sub_teams_html`),
    in one round trip to the cache."""
    objectives, members, sub_teams = draw_each(
        [
            (OBJECTIVES, {"lines": [_objective(line) for line in page["objectives"]]}),
            (MEMBERS, {"lines": [_member(line) for line in page["members"]]}),
            (SUB_TEAMS, {"rows": [_sub_team(row) for row in page["sub_teams"]]}),
        ]
    )
    return {"objectives_html": objectives, "members_html": members, "sub_teams_html": sub_teams}
