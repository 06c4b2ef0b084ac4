"""Reactions: one person's emoji on a check-in or a comment, toggled."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from checkins.models import CheckIn, Comment, Emoji, Reaction
from objectives.permissions import can_view_objective
from okrapp.core.permissions import Viewer


def reaction_toggle(
    *, viewer: Viewer, emoji: str, checkin: CheckIn | None = None, comment: Comment | None = None
) -> bool:
    """Add the viewer's emoji, or take it back if it was there; True when it is now on."""
    if emoji not in Emoji.values:
        raise ValidationError(_("This reaction is not offered."))
    objective = comment.objective if comment else checkin.key_result.objective
    if not can_view_objective(viewer, objective):
        raise PermissionDenied
    target = {"comment": comment} if comment else {"checkin": checkin}
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(user=viewer.user, emoji=emoji, **target).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(user=viewer.user, emoji=emoji, **target)
        except IntegrityError:
            pass  # the same click twice at once: it is on, once
    return True
