"""Every write to KPIs and measurements, one transaction each, and the KPI ↔ key result bridge.

Pages, the CSV import and the API call the same functions. Each one checks rights
(PermissionDenied, by kpis.permissions), refuses fields it does not know (ValidationError),
validates (full_clean) and writes.

The bridge: a key result linked to a KPI (`KeyResultLink`) in a cycle that is not closed
receives a check-in each time the KPI's latest period is recorded or corrected, so its
score follows the KPI without double entry. The check-in is linked to the measurement
(`MeasurementCheckIn`), which makes the bridge idempotent: recording the same value again
finds that check-in and leaves it alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins import services as checkin_services
from checkins.models import CheckIn
from kpis import connectors, csvformat, health, permissions, secrets, selectors
from kpis.models import KPI, KeyResultLink, Measurement, MeasurementCheckIn
from kpis.selectors import CREATED, UNCHANGED, UPDATED
from kpis.status_notifications import record_status_check
from objectives import services as objective_services
from objectives.models import KeyResult, Objective
from objectives.permissions import can_make_owner, cycles_taking_checkins_q
from okrapp.core import weeks
from okrapp.core.hooks import event_emit
from okrapp.core.models import Team, User
from okrapp.core.permissions import Viewer

KPI_FIELDS = (
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
    "source_kind",
    "source_config",
)
MEASUREMENT_FIELDS = ("period_date", "value", "note")


# Rules --------------------------------------------------------------------------------------


def _refuse_unknown(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Unknown fields: %(fields)s.")
                % {"fields": ", ".join(sorted(unknown))}
            }
        )


def _check_placement(
    viewer: Viewer, *, team: Team | None, owner: User | None, kpi: KPI | None
) -> None:
    if team is None or owner is None:
        return  # full_clean says what is missing
    if not permissions.can_place_kpi(viewer, team=team, owner_id=owner.pk, kpi=kpi):
        raise PermissionDenied(_("You may not set KPIs with this owner for this team."))


def _check_may_edit(viewer: Viewer, kpi: KPI) -> None:
    if not permissions.can_edit_kpi(viewer, kpi):
        raise PermissionDenied(_("You may not change this KPI."))


def _check_may_record(viewer: Viewer, kpi: KPI) -> None:
    if not permissions.can_record_measurements(viewer, kpi):
        raise PermissionDenied(_("You may not record the measurements of this KPI."))


# KPIs ---------------------------------------------------------------------------------------


@transaction.atomic
def kpi_create(*, viewer: Viewer, **fields: Any) -> KPI:
    """A new KPI from any of KPI_FIELDS; its owner is the viewer unless given."""
    _refuse_unknown(fields, KPI_FIELDS)
    fields.setdefault("owner", viewer.user)
    _check_placement(viewer, team=fields.get("team"), owner=fields["owner"], kpi=None)
    source = _pop_source(fields)
    kpi = KPI(**fields)
    _apply_source(kpi, *source)
    kpi.full_clean()
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, viewer: Viewer, kpi: KPI, **fields: Any) -> KPI:
    """Change any of KPI_FIELDS. `kpi` is the KPI as stored: its team and owner before the
    change decide whether the viewer may give it these."""
    _check_may_edit(viewer, kpi)
    _refuse_unknown(fields, KPI_FIELDS)
    team, owner = fields.get("team", kpi.team), fields.get("owner", kpi.owner)
    _check_placement(viewer, team=team, owner=owner, kpi=kpi)
    source = _pop_source(fields)
    for name, value in fields.items():
        setattr(kpi, name, value)
    if source != (None, None):
        _apply_source(kpi, *source)
    kpi.full_clean()
    kpi.save()
    return kpi


def _pop_source(fields: dict) -> tuple[str | None, dict | None]:
    return fields.pop("source_kind", None), fields.pop("source_config", None)


def _apply_source(kpi: KPI, kind: str | None, given: Mapping[str, Any] | None) -> None:
    """Set the KPI's connector from a kind and its settings (kpis.connectors.clean): the
    secret encrypted, left as stored when not given again; a new or changed source is due
    for a sync now, and a manual one never."""
    kind = kind or kpi.source_kind or KPI.SourceKind.MANUAL
    same_kind = kind == kpi.source_kind
    if given is None and same_kind and kpi.pk is not None:
        return
    stored = secrets.decrypt(kpi.source_secret) if same_kind and kpi.source_secret else ""
    config, secret = connectors.clean(kind, given or {}, stored_secret=stored)
    changed = (kind, config, secret) != (kpi.source_kind, kpi.source_config, stored)
    kpi.source_kind, kpi.source_config = kind, config
    kpi.source_secret = secrets.encrypt(secret) if secret else ""
    if kind == KPI.SourceKind.MANUAL:
        kpi.next_sync_at = None
    elif changed or kpi.next_sync_at is None:
        kpi.next_sync_at = timezone.now()
        kpi.sync_failures, kpi.sync_failure_notified = 0, False


@transaction.atomic
def kpi_delete(*, viewer: Viewer, kpi: KPI) -> None:
    if not permissions.can_edit_kpi(viewer, kpi):
        raise PermissionDenied(_("You may not delete this KPI."))
    # Linked key results keep their check-ins; only their links go.
    kpi.delete()


# Measurements -------------------------------------------------------------------------------


@dataclass
class Recorded:
    """What `measurements_record` did: the measurements in date order, and for each one
    whether it was created, updated or left unchanged."""

    measurements: list[Measurement] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.outcomes.count(outcome) for outcome in (CREATED, UPDATED, UNCHANGED)}

    @property
    def changed(self) -> bool:
        return any(outcome != UNCHANGED for outcome in self.outcomes)


def _measurements_upsert(
    *, kpi: KPI, items: list[Mapping[str, Any]], recorded_by: User | None
) -> Recorded:
    """One measurement per KPI and period date: each item creates one, updates it, or leaves
    it unchanged, in date order. Set-based, so that a file of thousands of rows is three
    queries: the existing rows of those dates locked, the new ones inserted, the changed ones
    updated. No bridge: the caller runs it once, when every item is stored. Uniqueness is
    the lookup's (and the database constraint's), not full_clean's query per row."""
    wanted = {}
    for item in items:  # the last item of a date wins, as one after the other would
        wanted[item["period_date"]] = (Decimal(item["value"]), (item.get("note") or "").strip())
    existing = {
        measurement.period_date: measurement
        for measurement in Measurement.objects.select_for_update().filter(
            kpi=kpi, period_date__in=list(wanted)
        )
    }
    now = timezone.now()
    recorded, created, updated = Recorded(), [], []
    for period_date in sorted(wanted):
        value, note = wanted[period_date]
        measurement = existing.get(period_date)
        if measurement is None:
            measurement = Measurement(
                kpi=kpi, period_date=period_date, value=value, note=note, recorded_by=recorded_by
            )
            outcome = CREATED
            created.append(measurement)
        elif measurement.value == value and measurement.note == note:
            outcome = UNCHANGED
        else:
            measurement.value, measurement.note, measurement.recorded_by = value, note, recorded_by
            measurement.recorded_at = now
            outcome = UPDATED
            updated.append(measurement)
        if outcome != UNCHANGED:
            measurement.full_clean(validate_unique=False, validate_constraints=False)
        recorded.measurements.append(measurement)
        recorded.outcomes.append(outcome)
    Measurement.objects.bulk_create(created, batch_size=1000)
    Measurement.objects.bulk_update(
        updated, ["value", "note", "recorded_by", "recorded_at"], batch_size=1000
    )
    return recorded


@transaction.atomic
def measurements_record(
    *,
    viewer: Viewer,
    kpi: KPI,
    items: Iterable[Mapping[str, Any]],
    recorded_by: User | None,
) -> Recorded:
    """Record measurements of a KPI: one from the KPI page, a file from the CSV import, one
    or a list from the API. Each item has a `period_date`, a `value` and maybe a `note`.

    1. Check that the viewer may record the KPI's measurements, and that no item carries a
       field other than those three.
    2. Upsert every item in date order (one measurement per period date: created, updated
       or left unchanged), without the bridge.
    3. If anything changed, run the bridge once, for the KPI's latest period, so linked key
       results receive one check-in however many periods were recorded.

    All or nothing: one transaction, so an invalid item keeps nothing.
    """
    _check_may_record(viewer, kpi)
    items = list(items)
    for item in items:
        _refuse_unknown(item, MEASUREMENT_FIELDS)
    before = selectors.kpi_status(kpi, selectors.latest_measurement(kpi))
    recorded = _measurements_upsert(kpi=kpi, items=items, recorded_by=recorded_by)
    if recorded.changed:
        latest = selectors.latest_measurement(kpi)
        bridge_measurement(measurement=latest, author=recorded_by or kpi.owner)
        record_status_check(kpi)
        _emit_status_change(kpi, before, selectors.kpi_status(kpi, latest))
    return recorded


def _emit_status_change(kpi: KPI, before: str, after: str) -> None:
    """Tell the higher apps (webhooks, chat channels) when a KPI's health moves."""
    if before != after:
        event_emit("kpi.status_changed", kpi_id=kpi.pk, previous=before, status=after)


@transaction.atomic
def measurement_update(
    *,
    viewer: Viewer,
    measurement: Measurement,
    period_date: datetime.date,
    value: Decimal,
    note: str = "",
    recorded_by: User | None,
) -> Measurement:
    """Correct a measurement in place, its period date included."""
    _check_may_record(viewer, measurement.kpi)
    before = selectors.kpi_status(measurement.kpi, selectors.latest_measurement(measurement.kpi))
    clash = (
        Measurement.objects.filter(kpi_id=measurement.kpi_id, period_date=period_date)
        .exclude(pk=measurement.pk)
        .exists()
    )
    if clash:
        raise ValidationError(
            {"period_date": _("There is already a measurement for this period date.")}
        )
    changed = (
        measurement.period_date != period_date
        or measurement.value != Decimal(value)
        or measurement.note != (note or "").strip()
    )
    if changed:
        measurement.period_date, measurement.value = period_date, Decimal(value)
        measurement.note, measurement.recorded_by = (note or "").strip(), recorded_by
        measurement.full_clean()
        measurement.save()
    bridge_measurement(measurement=measurement, author=recorded_by or measurement.kpi.owner)
    if changed:
        record_status_check(measurement.kpi)
    kpi = measurement.kpi
    _emit_status_change(kpi, before, selectors.kpi_status(kpi, selectors.latest_measurement(kpi)))
    return measurement


@transaction.atomic
def measurement_delete(*, viewer: Viewer, measurement: Measurement) -> None:
    _check_may_record(viewer, measurement.kpi)
    # A check-in recorded from it stays in the key result's history; only the link goes.
    measurement.delete()


# The bridge ---------------------------------------------------------------------------------


def open_linked_key_results(kpi: KPI) -> list[KeyResult]:
    """The key results following the KPI whose cycle takes check-ins today (active, and the
    late days of grading: objectives.cycles.takes_checkins). A draft of a planning cycle
    and a cycle being graded or closed are left alone, never refused mid-recording."""
    return list(
        KeyResult.objects.filter(
            cycles_taking_checkins_q(weeks.local_date(), prefix="objective__cycle__"),
            kpi_link__kpi=kpi,
            objective__archived_at=None,
        )
        .select_related("objective__cycle")
        .order_by("id")
    )


def bridge_measurement(*, measurement: Measurement, author: User) -> list[CheckIn]:
    """Record the KPI's latest period as a check-in on each open linked key result.

    1. Only the KPI's latest period speaks for the key results; older periods are history.
    2. For each open linked key result, find the check-in already recorded from this
       measurement (its MeasurementCheckIn link).
    3. Unchanged value and confidence: nothing to do, so re-recording and re-importing the
       same numbers never add check-ins.
    4. Changed, and that check-in is still the key result's latest: correct it in place.
       Otherwise record a new check-in, moving that key result's link onto it.
    """
    kpi = measurement.kpi
    latest_period = Measurement.objects.filter(kpi=kpi).aggregate(latest=Max("period_date"))
    if latest_period["latest"] != measurement.period_date:
        return []
    confidence = health.CONFIDENCE[
        health.value_status(
            direction=kpi.direction,
            target=kpi.target_value,
            threshold=kpi.alert_threshold,
            value=measurement.value,
        )
    ]
    recorded = []
    for key_result in open_linked_key_results(kpi):
        existing = CheckIn.objects.filter(
            key_result=key_result, measurement_link__measurement=measurement
        ).first()
        value = measurement.value
        if key_result.is_milestone:
            value = Decimal(1) if value >= key_result.target_value else Decimal(0)
        if existing is not None and existing.value == value and existing.confidence == confidence:
            continue
        latest = checkin_services.latest_checkin(key_result)
        if existing is not None and latest is not None and latest.pk == existing.pk:
            recorded.append(
                checkin_services.checkin_update(
                    checkin=existing,
                    author=existing.author,
                    value=value,
                    confidence=confidence,
                    comment=existing.comment,
                    blockers=existing.blockers,
                )
            )
            continue
        # The new check-in speaks for the period from now on; the old one stays as history.
        MeasurementCheckIn.objects.filter(check_in=existing).delete()
        # No comment: the KPI's name is shown beside the check-in only to those who may see
        # the KPI (kpis.notes, through checkins.hooks), never copied into the check-in.
        checkin = checkin_services.checkin_create(
            key_result=key_result, author=author, value=value, confidence=confidence
        )
        MeasurementCheckIn.objects.create(check_in=checkin, measurement=measurement)
        recorded.append(checkin)
    return recorded


# CSV import and export ----------------------------------------------------------------------


@transaction.atomic
def import_apply(*, viewer: Viewer, kpi: KPI, text: str, recorded_by: User) -> dict[str, int]:
    """All or nothing: any bad row refuses the whole file; else every row is recorded by
    `measurements_record`, in this one transaction, and the bridge runs once, for the latest
    period, at the end."""
    _check_may_record(viewer, kpi)
    preview = selectors.import_preview(kpi=kpi, text=text)
    if not preview.rows:
        raise ValidationError(_("The file holds no measurement."))
    if preview.errors:
        raise ValidationError(
            _("Nothing was imported: %(count)s rows have errors.") % {"count": len(preview.errors)}
        )
    items = [
        {"period_date": row.period_date, "value": row.value, "note": row.note}
        for row in preview.rows
    ]
    recorded = measurements_record(viewer=viewer, kpi=kpi, items=items, recorded_by=recorded_by)
    return recorded.counts


def measurements_csv(kpi: KPI, *, delimiter: str = ",", decimal_mark: str = ".") -> str:
    rows = Measurement.objects.filter(kpi=kpi).order_by("period_date")
    return csvformat.write_rows(
        ((m.period_date, m.value, m.note) for m in rows),
        header=["date", "value", "note"],
        delimiter=delimiter,
        decimal_mark=decimal_mark,
    )


def board_csv(cards, *, delimiter: str = ",", decimal_mark: str = ".") -> str:
    header = [
        "name",
        "team",
        "owner",
        "unit",
        "direction",
        "target",
        "alert_threshold",
        "frequency",
        "data_source",
        "latest_date",
        "latest_value",
        "status",
    ]
    return csvformat.write_rows(
        (
            (
                card.kpi.name,
                card.kpi.team.name,
                card.kpi.owner.display_name,
                card.kpi.unit,
                card.kpi.direction,
                card.kpi.target_value,
                card.kpi.alert_threshold,
                card.kpi.frequency,
                card.kpi.data_source,
                card.latest.period_date if card.latest else None,
                card.latest.value if card.latest else None,
                card.status,
            )
            for card in cards
        ),
        header=header,
        delimiter=delimiter,
        decimal_mark=decimal_mark,
    )


# Turn a KPI into a key result, and a key result into a KPI ----------------------------------


@transaction.atomic
def kpi_to_key_result(
    *,
    viewer: Viewer,
    kpi: KPI,
    objective: Objective | None = None,
    new_objective: dict | None = None,
    title: str,
    start_value: Decimal,
    target_value: Decimal,
    reveal_private_values: bool = False,
) -> KeyResult:
    """Add a key result following the KPI to an objective (given, or created on the spot from
    `new_objective`: title, level, team, cycle, optionally owner), linked through a
    KeyResultLink. The viewer must see the KPI;
    the objectives services check that they may edit that objective.

    A private KPI's values become visible on a public objective's key result: that takes
    `reveal_private_values`. The key result belongs to the KPI's owner when the viewer may
    make them its owner (objectives.permissions.can_make_owner), else to the viewer."""
    if not permissions.can_turn_kpi_into_key_result(viewer, kpi):
        raise PermissionDenied(_("You may not turn this KPI into a key result."))
    if objective is None:
        fields = {"owner": viewer.user, **(new_objective or {})}
        objective = objective_services.objective_create(viewer=viewer, **fields)
    _check_revealing(kpi=kpi, objective=objective, confirmed=reveal_private_values)
    may_give_to_kpi_owner = can_make_owner(viewer, owner_id=kpi.owner_id, team=objective.team)
    kind = KeyResult.Kind.PERCENTAGE if kpi.unit.strip() == "%" else KeyResult.Kind.NUMERIC
    key_result = objective_services.key_result_create(
        viewer=viewer,
        objective=objective,
        title=title,
        kind=kind,
        start_value=start_value,
        target_value=target_value,
        unit=kpi.unit,
        owner=kpi.owner if may_give_to_kpi_owner else viewer.user,
    )
    KeyResultLink.objects.create(key_result=key_result, kpi=kpi)
    return key_result


def reveals_private_values(*, kpi_visibility: str, objective: Objective) -> bool:
    """A private KPI linked to a key result of a public objective shows its values there."""
    return kpi_visibility == KPI.Visibility.PRIVATE and not objective.is_private


def _check_revealing(*, kpi: KPI, objective: Objective, confirmed: bool) -> None:
    if reveals_private_values(kpi_visibility=kpi.visibility, objective=objective) and not (
        confirmed
    ):
        raise ValidationError({"reveal_private_values": _revealing_refused()})


def _revealing_refused() -> str:
    return _(
        "This KPI is private and the objective is public: everyone who may see the objective "
        "will see the KPI's values on this key result. Confirm to go on."
    )


@transaction.atomic
def key_result_to_kpi(
    *, viewer: Viewer, key_result: KeyResult, reveal_private_values: bool = False, **fields: Any
) -> KPI:
    """Create a KPI (any of KPI_FIELDS) from a key result, import its check-in history as
    measurements (the latest check-in of each day, dated that day) and link the key result
    to it.

    The imported check-ins carry their measurement, so correcting that period later updates
    the check-in instead of adding a second one."""
    if not permissions.can_turn_key_result_into_kpi(viewer, key_result):
        raise PermissionDenied(_("You may not turn this key result into a KPI."))
    if KeyResultLink.objects.filter(key_result=key_result).exists():
        raise ValidationError(_("This key result is already linked to a KPI."))
    visibility = fields.get("visibility", KPI.Visibility.PUBLIC)
    if (
        reveals_private_values(kpi_visibility=visibility, objective=key_result.objective)
        and not reveal_private_values
    ):
        raise ValidationError({"reveal_private_values": _revealing_refused()})
    kpi = kpi_create(viewer=viewer, **fields)
    latest_per_day: dict[datetime.date, CheckIn] = {}
    for checkin in CheckIn.objects.filter(key_result=key_result).order_by("created_at", "id"):
        latest_per_day[timezone.localdate(checkin.created_at)] = checkin
    measurements = Measurement.objects.bulk_create(
        Measurement(
            kpi=kpi,
            period_date=day,
            value=checkin.value,
            note=checkin.comment[: csvformat.NOTE_LENGTH],
            recorded_by=checkin.author,
        )
        for day, checkin in sorted(latest_per_day.items())
    )
    if measurements and measurements[0].pk is None:  # backends that do not return ids
        measurements = list(Measurement.objects.filter(kpi=kpi).order_by("period_date"))
    checkins = [latest_per_day[day] for day in sorted(latest_per_day)]
    already_linked = set(
        MeasurementCheckIn.objects.filter(check_in__in=checkins).values_list(
            "check_in_id", flat=True
        )
    )
    MeasurementCheckIn.objects.bulk_create(
        MeasurementCheckIn(check_in=checkin, measurement=measurement)
        for measurement, checkin in zip(measurements, checkins, strict=True)
        if checkin.pk not in already_linked
    )
    KeyResultLink.objects.create(key_result=key_result, kpi=kpi)
    return kpi


def key_result_kpi_initial(key_result: KeyResult) -> dict:
    """What a KPI made from this key result starts with. A key result has no description of
    its own: the definition says what it measured and for which objective (with that
    objective's description, when it has one); its check-ins are weekly (okrapp.core.weeks),
    so is the KPI; and the source names those check-ins."""
    direction = (
        KPI.Direction.LOWER_IS_BETTER
        if key_result.target_value < key_result.start_value
        else KPI.Direction.HIGHER_IS_BETTER
    )
    objective = key_result.objective
    definition = _(
        "Formerly the key result “%(title)s” of the objective “%(objective)s” (%(cycle)s)."
    ) % {
        "title": key_result.title,
        "objective": objective.title,
        "cycle": objective.cycle.name,
    }
    if objective.description.strip():
        definition = f"{definition}\n\n{objective.description.strip()}"
    source = _("Check-ins of key result “%(title)s”") % {"title": key_result.title}
    return {
        "name": key_result.title[:200],
        "unit": key_result.unit,
        "target_value": key_result.target_value,
        "direction": direction,
        "owner": key_result.owner_id,
        "team": objective.team_id,
        "visibility": objective.visibility,
        "definition": definition[: KPI._meta.get_field("definition").max_length or None],
        "frequency": KPI.Frequency.WEEKLY,
        "data_source": source[: KPI._meta.get_field("data_source").max_length],
    }
