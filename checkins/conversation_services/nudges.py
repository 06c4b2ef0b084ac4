"""Nudges: a lead reminds a silent member to check in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from checkins import permissions
from checkins.conversation_services.notifications import Event, _in_language, notifications_create
from checkins.models import NotificationKind, Nudge
from okrapp.core import weeks
from okrapp.core.models import User
from okrapp.core.permissions import Viewer


@transaction.atomic
def nudge_send(*, viewer: Viewer, person: User) -> Nudge:
    """A lead reminds a member to check in: at most once a day per member (whoever sends it)."""
    if person.pk not in permissions.nudgeable_ids(viewer, [person.pk]):
        raise PermissionDenied
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(person=person, sender=viewer.user, day=weeks.local_date())
    except IntegrityError as error:
        raise ValidationError(
            _("%(person)s was already reminded today.") % {"person": person}
        ) from error
    message = _in_language(
        person,
        lambda: _("%(lead)s reminds you to check in this week.") % {"lead": viewer.user},
    )
    notifications_create(
        events=[
            Event(
                person,
                NotificationKind.NUDGE,
                f"nudge:{nudge.pk}",
                message,
                reverse("checkins:my_week"),
            )
        ]
    )
    return nudge
