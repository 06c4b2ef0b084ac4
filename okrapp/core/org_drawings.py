"""The people table's rows, drawn once per content and shared by the admins
(okrapp.core.drawings).

A drawing holds only the plain values given here; the page is for admins, who see every
person, and it shows nothing private.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString

from okrapp.core.drawings import draw
from okrapp.core.models import Membership
from okrapp.core.selectors import PERSON_FIELDS

PEOPLE_ROWS = "okrapp/org/_people_rows.html"


def _person(person: dict) -> dict:
    last_login = person["last_login"]
    return {
        **{name: person[name] for name in PERSON_FIELDS if name != "last_login"},
        "memberships": [
            {
                "team": membership["team__name"],
                "is_primary": membership["is_primary"],
                "lead": str(Membership.Role.LEAD.label)
                if membership["role"] == Membership.Role.LEAD
                else "",
            }
            for membership in person["memberships"]
        ],
        # In the active time zone, which the drawing's key then holds.
        "last_login": timezone.localtime(last_login) if last_login else None,
        "invited": person["invited"],
    }


def people_rows(people: list[dict]) -> SafeString:
    """The rows of the people table for one page of people (`selectors.people_page`)."""
    return draw(PEOPLE_ROWS, {"people": [_person(person) for person in people]})
