"""Every write to check-ins, one transaction each.

A check-in sets its key result's current value and confidence in the same transaction.
The key result row is locked first (SELECT … FOR UPDATE), so concurrent check-ins on one
key result are serialised: the last committed one wins and no update is lost.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.models import CheckIn
from objectives.models import KeyResult
from objectives.services import objective_refresh_score
from okrapp.models import Cycle, User


def _lock_key_result(key_result_id: int) -> KeyResult:
    return (
        KeyResult.objects.select_for_update()
        .select_related("objective__cycle")
        .get(pk=key_result_id)
    )


def _ensure_open(key_result: KeyResult) -> None:
    if key_result.objective.cycle.status == Cycle.Status.CLOSED:
        raise ValidationError(_("This cycle is closed: its check-ins are read-only."))


def _follow_latest(key_result: KeyResult) -> None:
    """The key result takes the value and confidence of its latest remaining check-in."""
    latest = CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id").first()
    if latest is None:
        key_result.current_value = key_result.start_value
        key_result.confidence = ""
        key_result.last_checkin_at = None
    else:
        key_result.current_value = latest.value
        key_result.confidence = latest.confidence
        key_result.last_checkin_at = latest.created_at
    key_result.save(update_fields=["current_value", "confidence", "last_checkin_at"])
    objective_refresh_score(objective_id=key_result.objective_id)


@transaction.atomic
def checkin_create(
    *,
    key_result: KeyResult,
    author: User,
    value: Decimal,
    confidence: str,
    comment: str = "",
    blockers: str = "",
    measurement=None,
    created_at=None,
) -> CheckIn:
    locked = _lock_key_result(key_result.pk)
    _ensure_open(locked)
    if locked.is_milestone:
        value = Decimal(1) if Decimal(value) else Decimal(0)
    checkin = CheckIn(
        key_result=locked,
        author=author,
        value=value,
        confidence=confidence,
        comment=comment,
        blockers=blockers,
        measurement=measurement,
        created_at=created_at or timezone.now(),
    )
    checkin.full_clean()
    checkin.save()
    _follow_latest(locked)
    key_result.refresh_from_db()
    return checkin


def latest_checkin(key_result: KeyResult) -> CheckIn | None:
    return CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id").first()


def _ensure_latest_of_author(checkin: CheckIn, author: User) -> None:
    if checkin.author_id != author.pk:
        raise ValidationError(_("Only the author may correct or delete a check-in."))
    latest = latest_checkin(checkin.key_result)
    if latest is None or latest.pk != checkin.pk:
        raise ValidationError(_("Only the latest check-in of a key result can be changed."))


@transaction.atomic
def checkin_update(
    *,
    checkin: CheckIn,
    author: User,
    value: Decimal,
    confidence: str,
    comment: str = "",
    blockers: str = "",
) -> CheckIn:
    locked = _lock_key_result(checkin.key_result_id)
    _ensure_open(locked)
    checkin = CheckIn.objects.select_related("key_result").get(pk=checkin.pk)
    _ensure_latest_of_author(checkin, author)
    if locked.is_milestone:
        value = Decimal(1) if Decimal(value) else Decimal(0)
    checkin.value, checkin.confidence = value, confidence
    checkin.comment, checkin.blockers = comment, blockers
    checkin.full_clean()
    checkin.save()
    _follow_latest(locked)
    return checkin


@transaction.atomic
def checkin_delete(*, checkin: CheckIn, author: User) -> None:
    locked = _lock_key_result(checkin.key_result_id)
    _ensure_open(locked)
    checkin = CheckIn.objects.select_related("key_result").get(pk=checkin.pk)
    _ensure_latest_of_author(checkin, author)
    checkin.delete()
    _follow_latest(locked)
