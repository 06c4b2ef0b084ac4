"""Reading and planning the org chart: pure functions, no database."""

from __future__ import annotations

import pytest
from django.utils import translation

from okrapp.core.orgchart import Organisation, PersonState, parse_chart, plan_import


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


HEADER = "email,name,team,parent_team,role,language\n"


def org(**people) -> Organisation:
    return Organisation(
        company="ACME",
        team_parents={"Sales": "", "Marketing": ""},
        ambiguous_teams=frozenset(),
        people=people,
    )


def plan(text: str, organisation: Organisation | None = None, **options):
    return plan_import(parse_chart(text.encode()), organisation or org(), **options)


def test_a_new_person_in_a_new_team_is_created_with_the_team():
    result = plan(HEADER + "ana@example.org,Ana,Growth,Marketing,lead,fr\n")
    assert result.errors == []
    assert result.new_teams == [("Growth", "Marketing")]
    assert [(p.email, p.action) for p in result.people] == [("ana@example.org", "create")]


def test_french_headers_in_another_order_with_semicolons_and_a_bom_are_read():
    text = (
        "\ufeffnom;rôle;e-mail;équipe;équipe parente;langue\n"
        "Ana;responsable;ANA@example.org;Sales;;fr\n"
    )
    result = plan(text)
    assert result.errors == []
    assert result.people[0].email == "ana@example.org"


def test_an_existing_person_who_matches_the_file_is_left_alone():
    person = PersonState("Ana", "fr", True, "Sales", {"Sales": "member"})
    result = plan(
        HEADER + "ana@example.org,Ana,Sales,,member,fr\n", org(**{"ana@example.org": person})
    )
    assert result.people[0].action == "unchanged"
    assert not result.changes_anything


def test_a_person_moving_team_is_changed_and_says_how():
    person = PersonState("Ana", "fr", True, "Sales", {"Sales": "member"})
    result = plan(
        HEADER + "ana@example.org,Ana,Marketing,,member,fr\n", org(**{"ana@example.org": person})
    )
    assert result.people[0].action == "change"
    assert result.people[0].changes == ["team: Sales → Marketing", "role: member"]


def test_missing_people_are_deactivated_only_when_asked_and_never_the_admin_importing():
    people = {
        "gone@example.org": PersonState("Gone", "en", True, "Sales", {}),
        "admin@example.org": PersonState("Admin", "en", True, "", {}),
    }
    text = HEADER + "ana@example.org,Ana,Sales,,member,fr\n"
    assert plan(text, org(**people)).deactivated == []
    asked = plan(
        text, org(**people), deactivate_missing=True, keep=frozenset({"admin@example.org"})
    )
    assert asked.deactivated == ["gone@example.org"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("email,name\nana@example.org,Ana\n", 1, "Missing column(s): team."),
        (
            HEADER + "a@example.org,A,Sales,,member,\n" + "A@example.org,B,Sales,,member,\n",
            3,
            "a@example.org is already on line 2.",
        ),
        (HEADER + "a@example.org,A,Growth,Nowhere,member,\n", 2, "Unknown parent team “Nowhere”."),
        (HEADER + "not-an-email,A,Sales,,member,\n", 2, "“not-an-email” is not an email address."),
        (HEADER + "a@example.org,A,Sales,,boss,\n", 2, "The role must be “lead” or “member”."),
        (HEADER + "a@example.org,A,Sales,,member,de\n", 2, "The language must be “fr” or “en”."),
        (HEADER + "a@example.org,,Sales,,member,\n", 2, "The name is missing."),
        (
            HEADER
            + "a@example.org,A,Sales,Marketing,member,\nb@example.org,B,Marketing,Sales,member,\n",
            2,
            "Placing Sales there would put it under itself.",
        ),
        (
            HEADER + "a@example.org,A,Sales,,member,\nb@example.org,B,Sales,Marketing,member,\n",
            3,
            "Team Sales is under “the company” on line 2.",
        ),
    ],
    ids=[
        "missing column",
        "duplicate email",
        "unknown parent",
        "bad email",
        "bad role",
        "bad language",
        "no name",
        "cycle",
        "two parents",
    ],
)
def test_a_bad_file_is_refused_with_the_line_of_each_error(text, line, message):
    result = plan(text)
    assert (line, message) in result.errors
    assert result.people == []


def test_a_file_that_is_not_utf8_is_refused_rather_than_guessed():
    result = plan_import(
        parse_chart((HEADER + "é@example.org,Éloïse,Sales,,,\n").encode("cp1252")), org()
    )
    assert result.errors == [
        (0, "The file is not UTF-8 text: save it as “CSV UTF-8” and import it again.")
    ]


def test_a_team_named_twice_in_the_organisation_cannot_be_told_apart():
    organisation = Organisation(
        company="ACME", team_parents={"Sales": ""}, ambiguous_teams=frozenset({"Sales"}), people={}
    )
    result = plan(HEADER + "a@example.org,A,Sales,,member,\n", organisation)
    assert result.errors == [(2, "Two teams are named “Sales”: rename one first.")]
