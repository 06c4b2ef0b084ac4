"""The org chart from a spreadsheet export: reading the CSV and planning the import, as pure
functions over plain values (no ORM; okrapp.core.services reads the organisation and applies
the plan).

One row per person: `email`, `name`, `team` (their primary team), `parent_team` (empty: under
the company), `role` (`lead` or `member`) and `language` (`fr` or `en`), in any order, or
their French headers. Teams are known by name; a team named in `parent_team` must exist or be
some row's team.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from okrapp.core.csvtext import clean_lines, restore, sniff_delimiter

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
NAME_LENGTH = 150

REQUIRED = ("email", "name", "team")
# Header (lower case, accents kept) → column; French headers and common variants.
HEADERS = {
    "email": "email",
    "e-mail": "email",
    "courriel": "email",
    "name": "name",
    "nom": "name",
    "team": "team",
    "équipe": "team",
    "equipe": "team",
    "parent_team": "parent_team",
    "parent team": "parent_team",
    "équipe parente": "parent_team",
    "equipe parente": "parent_team",
    "role": "role",
    "rôle": "role",
    "language": "language",
    "langue": "language",
}
ROLES = {"lead": "lead", "member": "member", "responsable": "lead", "membre": "member"}
LANGUAGES = {"fr": "fr", "en": "en", "": ""}


@dataclass(frozen=True)
class OrgRow:
    line: int
    email: str
    name: str
    team: str
    parent_team: str
    role: str
    language: str


@dataclass
class ParsedChart:
    rows: list[OrgRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Team name → (parent name, or "" for the company; line that said so).
    parents: dict[str, tuple[str, int]] = field(default_factory=dict)


def _header_key(cell: str) -> str:
    return unicodedata.normalize("NFC", cell.strip().lower())


def parse_chart(data: bytes) -> ParsedChart:
    """Every row read and checked on its own, with its errors by line number.

    1. The file must be UTF-8 (a BOM is fine); other encodings are refused, not guessed:
       names with accents would be imported wrong.
    2. The separator is guessed from the first line; the first line is the header, whose
       columns may come in any order, in English or French; `email`, `name` and `team` are
       required.
    3. Each row is checked: a valid email, given once in the file; a name and a team; a known
       role and language; a team's parent said the same way on every row that names it.
    """
    chart = ParsedChart()
    if len(data) > MAX_BYTES:
        chart.errors.append((0, _("The file is too large (at most 5 MB).")))
        return chart
    try:
        text = clean_lines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        chart.errors.append(
            (0, _("The file is not UTF-8 text: save it as “CSV UTF-8” and import it again."))
        )
        return chart
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    try:
        _read(reader, chart)
    except csv.Error:
        chart.errors.append(
            (reader.line_num, _("This line cannot be read as CSV (is a quote left open?)."))
        )
    return chart


def _read(reader, chart: ParsedChart) -> None:
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        chart.errors.append((1, _("The file is empty: the first line must name the columns.")))
        return
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = HEADERS.get(_header_key(cell))
        if column and column not in columns:
            columns[column] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        chart.errors.append(
            (1, _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(chart.rows) + len(chart.errors) >= MAX_ROWS:
            chart.errors.append((line, _("Too many rows (at most %(n)d).") % {"n": MAX_ROWS}))
            return

        def cell(name: str, cells=cells) -> str:
            index = columns.get(name)
            if index is None or index >= len(cells):
                return ""
            return restore(cells[index].strip())

        _check_row(chart, seen, line, {name: cell(name) for name in HEADERS.values()})


def _check_row(chart: ParsedChart, seen: dict[str, int], line: int, cells: dict) -> None:
    errors = []
    email = cells["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("“%(email)s” is not an email address.") % {"email": cells["email"]})
    if email in seen:
        errors.append(
            _("%(email)s is already on line %(line)d.") % {"email": email, "line": seen[email]}
        )
    # Messages are translated only when a row has the error: 10,000 rows stay fast.
    if not cells["name"]:
        errors.append(_("The name is missing."))
    elif len(cells["name"]) > NAME_LENGTH:
        errors.append(_("The name is too long."))
    if not cells["team"]:
        errors.append(_("The team is missing."))
    elif len(cells["team"]) > NAME_LENGTH:
        errors.append(_("The team's name is too long."))
    role = ROLES.get(cells["role"].lower() or "member")
    if role is None:
        errors.append(_("The role must be “lead” or “member”."))
    language = LANGUAGES.get(cells["language"].lower())
    if language is None:
        errors.append(_("The language must be “fr” or “en”."))
    team, parent = cells["team"], cells["parent_team"]
    if team and parent == team:
        errors.append(_("A team cannot be placed under itself."))
    if team and team in chart.parents and chart.parents[team][0] != parent:
        errors.append(
            _("Team %(team)s is under “%(parent)s” on line %(line)d.")
            % {
                "team": team,
                "parent": chart.parents[team][0] or _("the company"),
                "line": chart.parents[team][1],
            }
        )
    if errors:
        chart.errors.extend((line, error) for error in errors)
        return
    seen[email] = line
    chart.parents.setdefault(team, (parent, line))
    chart.rows.append(
        OrgRow(
            line=line,
            email=email,
            name=cells["name"],
            team=team,
            parent_team=parent,
            role=role,
            language=language,
        )
    )


# --- Planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonState:
    """A person as the organisation has them now."""

    name: str
    language: str
    is_active: bool
    primary_team: str  # team name, "" when none
    roles: dict[str, str]  # team name → role


@dataclass(frozen=True)
class Organisation:
    company: str
    team_parents: dict[str, str]  # team name → parent name ("" for the company's children)
    ambiguous_teams: frozenset[str]  # names held by two teams: the file cannot say which
    people: dict[str, PersonState]  # email → state


@dataclass
class PersonOutcome:
    line: int
    email: str
    name: str
    action: str  # "create", "change" or "unchanged"
    changes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    people: list[PersonOutcome] = field(default_factory=list)
    new_teams: list[tuple[str, str]] = field(default_factory=list)  # (name, parent), parents first
    moved_teams: list[tuple[str, str]] = field(default_factory=list)  # (name, new parent)
    deactivated: list[str] = field(default_factory=list)  # emails
    errors: list[tuple[int, str]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for person in self.people if person.action == action)

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.new_teams
            or self.moved_teams
            or self.deactivated
            or any(person.action != "unchanged" for person in self.people)
        )


def plan_import(
    chart: ParsedChart,
    organisation: Organisation,
    *,
    deactivate_missing: bool = False,
    keep: frozenset[str] = frozenset(),
) -> Plan:
    """What importing the chart would do, and every error, by line.

    1. Teams: a row's team gets the parent its row names (the company when empty); a parent
       must exist or be some row's team; a name held by two teams is refused; the resulting
       tree must have no cycle.
    2. People: created when their email is new, changed when their name, language, primary
       team, role or active status differ, left alone otherwise.
    3. With `deactivate_missing`, the active people absent from the file are deactivated,
       except those in `keep` (the admin importing).
    """
    plan = Plan(errors=list(chart.errors))
    company = organisation.company
    parents = dict(organisation.team_parents)
    wanted: dict[str, tuple[str, int]] = {}
    for team, (parent, line) in chart.parents.items():
        if team == company:
            if parent:
                plan.errors.append((line, _("The company cannot be placed under a team.")))
            continue
        for name in (team, parent):
            if name in organisation.ambiguous_teams:
                plan.errors.append(
                    (line, _("Two teams are named “%(team)s”: rename one first.") % {"team": name})
                )
        if parent and parent != company and parent not in parents and parent not in chart.parents:
            plan.errors.append((line, _("Unknown parent team “%(team)s”.") % {"team": parent}))
            continue
        wanted[team] = (parent if parent != company else "", line)
    for team, (parent, _line) in wanted.items():
        parents[team] = parent
    for team, (_parent, line) in wanted.items():
        if _has_cycle(team, parents):
            plan.errors.append(
                (line, _("Placing %(team)s there would put it under itself.") % {"team": team})
            )
    if plan.errors:
        plan.errors.sort()
        return plan
    for team in _parents_first(wanted, parents):
        parent = parents[team]
        if team not in organisation.team_parents:
            plan.new_teams.append((team, parent))
        elif organisation.team_parents[team] != parent:
            plan.moved_teams.append((team, parent))
    for row in chart.rows:
        plan.people.append(_person_outcome(row, organisation.people.get(row.email)))
    if deactivate_missing:
        in_file = {row.email for row in chart.rows}
        plan.deactivated = sorted(
            email
            for email, person in organisation.people.items()
            if person.is_active and email not in in_file and email not in keep
        )
    return plan


def _has_cycle(team: str, parents: dict[str, str]) -> bool:
    seen = {team}
    current = parents.get(team, "")
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current, "")
    return False


def _parents_first(wanted: dict, parents: dict[str, str]) -> list[str]:
    def depth(team: str) -> int:
        count, current = 0, parents.get(team, "")
        while current:
            count, current = count + 1, parents.get(current, "")
        return count

    return sorted(wanted, key=lambda team: (depth(team), team))


def _person_outcome(row: OrgRow, person: PersonState | None) -> PersonOutcome:
    outcome = PersonOutcome(line=row.line, email=row.email, name=row.name, action="create")
    if person is None:
        return outcome
    changes = []
    if person.name != row.name:
        changes.append(_("name: %(old)s → %(new)s") % {"old": person.name, "new": row.name})
    if row.language and person.language != row.language:
        changes.append(
            _("language: %(old)s → %(new)s") % {"old": person.language or "—", "new": row.language}
        )
    if person.primary_team != row.team:
        changes.append(
            _("team: %(old)s → %(new)s") % {"old": person.primary_team or "—", "new": row.team}
        )
    if person.roles.get(row.team, "") != row.role:
        changes.append(_("role: %(role)s") % {"role": row.role})
    if not person.is_active:
        changes.append(_("reactivated"))
    outcome.action = "change" if changes else "unchanged"
    outcome.changes = changes
    return outcome
