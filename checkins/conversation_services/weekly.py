"""The weekly digest email of leads and executives (admins, the company's leads), on Monday
after the reminders, about the week that ended (checkins.digests builds its content).

1. Recipients are chosen in two queries (the leads' memberships, the admins), without those
   who refused it in their notification settings (one query).
2. One WeeklyDigestDelivery row per recipient and week is written in bulk; the unique
   (person, week) means a rerun, a second beat or a second worker adds nothing.
3. Each row still pending is claimed (pending → sending, a conditional UPDATE) before its
   email is built and sent: only the worker whose UPDATE matched sends it. A failure puts it
   back to pending for the task's retry; a crash after the claim leaves it "sending", never
   sent twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins import delivery
from checkins.conversation_services.emails import _send
from checkins.digests import Audience, last_week, weekly_digest_for
from checkins.models import NotificationKind, NotificationPreference, WeeklyDigestDelivery
from okrapp.core.models import Membership, Team, User
from okrapp.core.permissions import viewer_for
from okrapp.core.weeks import Week

logger = logging.getLogger(__name__)


def scope_roots(team_ids: set[int], teams: dict[int, Team]) -> list[Team]:
    """Of the teams someone leads, those not under another they lead (their digest covers
    each subtree once)."""
    roots = []
    for team_id in sorted(team_ids, key=lambda pk: teams[pk].path):
        team = teams[team_id]
        if not any(ancestor in team_ids for ancestor in team.ancestor_ids):
            roots.append(team)
    return roots


def weekly_digest_scopes() -> dict[int, list[Team]]:
    """Each recipient of the weekly digest → the teams it reports on: an admin, the company
    (the root team); a lead, the teams they lead (each with those below). Three queries."""
    teams = {team.pk: team for team in Team.objects.order_by("path")}
    company = next((team for team in teams.values() if team.parent_id is None), None)
    led: dict[int, set[int]] = {}
    for user_id, team_id in Membership.objects.filter(
        role=Membership.Role.LEAD, user__is_active=True
    ).values_list("user_id", "team_id"):
        led.setdefault(user_id, set()).add(team_id)
    scopes = {user_id: scope_roots(team_ids, teams) for user_id, team_ids in led.items()}
    if company is not None:
        for user_id in User.objects.filter(
            Q(is_staff=True) | Q(is_superuser=True), is_active=True
        ).values_list("pk", flat=True):
            scopes[user_id] = [company]
    refused = {
        user_id
        for user_id, email in NotificationPreference.objects.filter(
            kind=NotificationKind.WEEKLY_DIGEST, user_id__in=list(scopes)
        ).values_list("user_id", "email")
        if not delivery.wants_weekly_digest(email)
    }
    return {user_id: roots for user_id, roots in scopes.items() if roots and user_id not in refused}


@dataclass
class WeeklyDigestReport:
    week: Week
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": len(self.sent), "failed": len(self.failed)}


def _claim(delivery_id: int) -> bool:
    with transaction.atomic():
        return bool(
            WeeklyDigestDelivery.objects.filter(
                pk=delivery_id, status=WeeklyDigestDelivery.Status.PENDING
            ).update(status=WeeklyDigestDelivery.Status.SENDING)
        )


def weekly_digests_send(*, now=None) -> WeeklyDigestReport:
    """Send each lead's and executive's weekly digest about last week, once (module doc)."""
    week = last_week(now)
    report = WeeklyDigestReport(week=week)
    scopes = weekly_digest_scopes()
    WeeklyDigestDelivery.objects.bulk_create(
        [
            WeeklyDigestDelivery(user_id=user_id, iso_year=week.iso_year, iso_week=week.iso_week)
            for user_id in scopes
        ],
        ignore_conflicts=True,
    )
    pending = WeeklyDigestDelivery.objects.filter(
        iso_year=week.iso_year,
        iso_week=week.iso_week,
        status=WeeklyDigestDelivery.Status.PENDING,
        user_id__in=list(scopes),
    ).values_list("pk", "user_id")
    pending = list(pending)
    people = User.objects.in_bulk([user_id for _pk, user_id in pending])
    for delivery_id, user_id in pending:
        if not _claim(delivery_id):
            continue  # another worker has it
        person = people[user_id]
        try:
            _send_one(person, scopes[user_id], week)
        except Exception:
            logger.exception("Weekly digest to user %s failed; it will be retried.", user_id)
            WeeklyDigestDelivery.objects.filter(
                pk=delivery_id, status=WeeklyDigestDelivery.Status.SENDING
            ).update(status=WeeklyDigestDelivery.Status.PENDING)
            report.failed.append(user_id)
            continue
        WeeklyDigestDelivery.objects.filter(pk=delivery_id).update(
            status=WeeklyDigestDelivery.Status.SENT, sent_at=timezone.now()
        )
        report.sent.append(user_id)
    return report


def _send_one(person: User, roots: list[Team], week: Week) -> None:
    audience = Audience.person(viewer_for(person))

    def digests():
        # Built inside the person's language: the sections' headings and notes are theirs.
        return [weekly_digest_for(team, week, audience) for team in roots]

    _send(
        person,
        "weekly_digest",
        {
            "digests": _LazyDigests(digests),
            "week": week,
            "team_week_url": settings.SITE_URL + reverse("checkins:team_week"),
        },
        lambda: _("Your teams' week in review (week %(week)d)") % {"week": week.iso_week},
    )


class _LazyDigests:
    """Built on first use, in the language `_send` renders in; then kept for the text and
    the HTML part alike."""

    def __init__(self, build):
        self._build, self._items = build, None

    def __iter__(self):
        if self._items is None:
            self._items = self._build()
        return iter(self._items)
