"""The whole organisation as one JSON document, to move it to another instance.

Format 1 (`"format": 1`): one list of rows per section below, in that order. Every row that
others refer to has the `id` it had on the exporting instance; a reference names that id
(`"owner": 12` is the person whose `id` is 12 in "people"). An import gives every row a new id
and follows the references, so the receiving instance's ids do not matter. Numbers with
decimals are strings (exact), dates and times ISO 8601 (times in UTC).

People come with their password hash (the same password signs in after the move), so the file
must be kept like a backup. Not exported: API tokens (their owners create new ones), in-app
notifications (their links name the old ids), background jobs, KPI connectors' secrets and sync
history, chat channels and webhooks (their URLs and secrets are encrypted with this instance's
keys) with their deliveries, sessions, admin groups and permissions, and Celery beat's
schedule (rebuilt at start).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from checkins.models import CheckIn, Reminder
from kpis.models import KPI, KeyResultLink, Measurement, MeasurementCheckIn
from objectives.models import CarryOver, Initiative, KeyResult, Objective, ScoreSnapshot
from okrapp.core.models import Cycle, Membership, Team, User

FORMAT = 1
# Fields added to format 1 after files were written: absent, they read as None.
OPTIONAL_SINCE_FORMAT_1 = frozenset({"archived_at"})


class OrganisationFileError(Exception):
    """A file that cannot be imported, or an instance that cannot receive it; the message says
    why, for a person."""


@dataclass(frozen=True)
class Section:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    # field -> the section its value refers to
    references: dict[str, str] = field(default_factory=dict)
    # Set by the database on insert (auto_now / auto_now_add): written again after it.
    stamped: tuple[str, ...] = ()
    has_id: bool = True


SECTIONS = (
    Section(
        "people",
        User,
        (
            "email",
            "display_name",
            "language",
            "reminders_opt_out",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
            "password",
        ),
    ),
    Section("teams", Team, ("name", "parent"), {"parent": "teams"}),
    Section(
        "memberships",
        Membership,
        ("user", "team", "role", "is_primary"),
        {"user": "people", "team": "teams"},
        has_id=False,
    ),
    Section("cycles", Cycle, ("name", "start_date", "end_date", "status", "grading_opened_on")),
    Section(
        "objectives",
        Objective,
        (
            "cycle",
            "title",
            "description",
            "level",
            "team",
            "owner",
            "parent",
            "kind",
            "visibility",
            "score",
            "final_score",
            "went_well",
            "went_badly",
            "learned",
            "archived_at",
            "created_at",
            "updated_at",
        ),
        {"cycle": "cycles", "team": "teams", "owner": "people", "parent": "objectives"},
        stamped=("created_at", "updated_at"),
    ),
    Section(
        "key_results",
        KeyResult,
        (
            "objective",
            "title",
            "owner",
            "kind",
            "start_value",
            "target_value",
            "current_value",
            "unit",
            "weight",
            "position",
            "confidence",
            "last_checkin_at",
            "score",
            "final_score",
            "grade_note",
        ),
        {"objective": "objectives", "owner": "people"},
    ),
    # What became of each objective of a finished cycle (kept into `target`, or abandoned).
    Section(
        "carry_overs",
        CarryOver,
        ("source", "decision", "cycle", "target", "reason", "decided_by", "decided_at"),
        {
            "source": "objectives",
            "cycle": "cycles",
            "target": "objectives",
            "decided_by": "people",
        },
        stamped=("decided_at",),
        has_id=False,
    ),
    Section(
        "initiatives",
        Initiative,
        ("key_result", "title", "status", "owner", "created_at"),
        {"key_result": "key_results", "owner": "people"},
        stamped=("created_at",),
        has_id=False,
    ),
    Section(
        "check_ins",
        CheckIn,
        ("key_result", "author", "value", "confidence", "comment", "blockers", "created_at"),
        {"key_result": "key_results", "author": "people"},
    ),
    Section(
        "kpis",
        KPI,
        (
            "name",
            "definition",
            "unit",
            "direction",
            "target_value",
            "alert_threshold",
            "data_source",
            "frequency",
            "owner",
            "team",
            "visibility",
            # The connector's settings, never its secret (kpis.secrets): enter it again after
            # a move, the receiving instance has its own KPI_SECRETS_KEY.
            "source_kind",
            "source_config",
            "next_sync_at",
            "sync_failures",
            "sync_failure_notified",
            "created_at",
            "updated_at",
        ),
        {"owner": "people", "team": "teams"},
        stamped=("created_at", "updated_at"),
    ),
    Section(
        "measurements",
        Measurement,
        ("kpi", "period_date", "value", "note", "recorded_by", "recorded_at"),
        {"kpi": "kpis", "recorded_by": "people"},
        stamped=("recorded_at",),
    ),
    Section(
        "key_result_links",
        KeyResultLink,
        ("key_result", "kpi"),
        {"key_result": "key_results", "kpi": "kpis"},
        has_id=False,
    ),
    Section(
        "measurement_check_ins",
        MeasurementCheckIn,
        ("check_in", "measurement"),
        {"check_in": "check_ins", "measurement": "measurements"},
        has_id=False,
    ),
    Section(
        "snapshots",
        ScoreSnapshot,
        (
            "cycle",
            "day",
            "node_type",
            "team",
            "user",
            "own_score",
            "rolled_up_score",
            "scored_objectives",
            "is_final",
        ),
        {"cycle": "cycles", "team": "teams", "user": "people"},
        has_id=False,
    ),
    # This week's reminders: a person already reminded is not reminded again after the move.
    Section(
        "reminders",
        Reminder,
        (
            "user",
            "iso_year",
            "iso_week",
            "status",
            "attempts",
            "created_at",
            "claimed_at",
            "sent_at",
        ),
        {"user": "people"},
        stamped=("created_at",),
        has_id=False,
    ),
)


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _ordering(section: Section) -> list[str]:
    # Parents before children, so an import creates a team after the team it sits in.
    return ["depth", "pk"] if section.model is Team else ["pk"]


def organisation_export() -> dict[str, Any]:
    """Every section's rows, read in one snapshot of the database."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": _to_json(timezone.now())}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for section in SECTIONS:
            columns = [_attname(section.model, name) for name in section.fields]
            keys = (["id"] if section.has_id else []) + list(section.fields)
            values = ["pk", *columns] if section.has_id else columns
            rows = section.model._base_manager.order_by(*_ordering(section)).values_list(*values)
            document[section.name] = [
                {key: _to_json(value) for key, value in zip(keys, row, strict=True)}
                for row in rows.iterator(chunk_size=5000)
            ]
    return document


def instance_holdings() -> dict[str, int]:
    """The sections of which this instance already holds rows, with their counts."""
    return {
        section.name: count
        for section in SECTIONS
        if (count := section.model._base_manager.count())
    }


@dataclass
class _Reader:
    """Turns a file's row into a model's field values, new ids for old."""

    ids: dict[str, dict[Any, int]] = field(default_factory=dict)

    def value(self, section: Section, index: int, row: dict, name: str) -> Any:
        where = f"{section.name}[{index}]"
        if name not in row:
            # A field added since the file was written (archived_at) reads as empty.
            if name in OPTIONAL_SINCE_FORMAT_1:
                return None
            raise OrganisationFileError(f"{where} has no {name!r}.")
        raw = row[name]
        if raw is None:
            return None
        if name in section.references:
            target = section.references[name]
            try:
                return self.ids[target][raw]
            except KeyError:
                raise OrganisationFileError(
                    f"{where}: {name} {raw!r} is not an id of {target}."
                ) from None
        model_field = section.model._meta.get_field(name)
        try:
            if isinstance(model_field, models.DecimalField):
                return Decimal(str(raw))
            if isinstance(model_field, models.DateTimeField):
                return datetime.datetime.fromisoformat(raw)
            if isinstance(model_field, models.DateField):
                return datetime.date.fromisoformat(raw)
        except (InvalidOperation, TypeError, ValueError):
            raise OrganisationFileError(f"{where}: {name} {raw!r} is not valid.") from None
        return raw


def _rows(document: dict, section: Section) -> list[dict]:
    rows = document.get(section.name, [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise OrganisationFileError(f"{section.name} must be a list of objects.")
    return rows


def _insert(section: Section, rows: list[dict], reader: _Reader) -> None:
    """1. Build the section's rows, references followed. Teams are saved one by one, parents
    first (a team's saving computes its place in the tree); objectives' parents are set after
    all are in, as a parent may come after its child. 2. Insert them. 3. Write again the times
    the insert set to now. 4. Remember each old id's new one."""
    deferred = {"parent"} if section.model is Objective else set()
    new_ids: dict[Any, int] = {}
    reader.ids[section.name] = new_ids
    objects = []
    for index, row in enumerate(rows):
        values = {
            _attname(section.model, name): reader.value(section, index, row, name)
            for name in section.fields
            if name not in deferred
        }
        obj = section.model(**values)
        if section.model is Team:
            obj.save()
            new_ids[row.get("id")] = obj.pk
        objects.append(obj)
    if section.model is not Team:
        objects = section.model._base_manager.bulk_create(objects, batch_size=1000)
    if section.stamped:
        for index, (obj, row) in enumerate(zip(objects, rows, strict=True)):
            for name in section.stamped:
                setattr(obj, name, reader.value(section, index, row, name))
        section.model._base_manager.bulk_update(objects, section.stamped, batch_size=1000)
    if section.has_id:
        new_ids.update({row.get("id"): obj.pk for row, obj in zip(rows, objects, strict=True)})
        if len(new_ids) != len(rows):
            raise OrganisationFileError(f"{section.name}: two rows have the same id.")
    if deferred:
        for index, (obj, row) in enumerate(zip(objects, rows, strict=True)):
            obj.parent_id = reader.value(section, index, row, "parent")
        section.model._base_manager.bulk_update(objects, ["parent"], batch_size=1000)


def organisation_import(document: Any) -> dict[str, int]:
    """Load an exported organisation into this instance, which must hold none; all or nothing.
    Returns the number of rows of each section."""
    if not isinstance(document, dict) or "format" not in document:
        raise OrganisationFileError("This is not an organisation export (no format).")
    if document["format"] != FORMAT:
        raise OrganisationFileError(
            f"This file is in format {document['format']!r}; this version reads format {FORMAT}."
        )
    holdings = instance_holdings()
    if holdings:
        held = ", ".join(f"{count} {name}" for name, count in holdings.items())
        raise OrganisationFileError(
            f"This instance is not empty ({held}): import into a new database, after "
            "`manage.py migrate` and before creating anyone."
        )
    reader = _Reader()
    counts = {}
    try:
        with transaction.atomic():
            for section in SECTIONS:
                rows = _rows(document, section)
                _insert(section, rows, reader)
                counts[section.name] = len(rows)
    except IntegrityError as error:
        raise OrganisationFileError(f"The file breaks a rule of the database: {error}") from error
    return counts
