"""When a cycle's grading opens, its leads are told: an in-app notification and an email, in
each lead's language (registered on objectives.hooks.register_grading_opened)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from checkins.models import Notification
from okrapp.core.models import Cycle, Membership, User


def grading_leads() -> list[User]:
    """Every active lead: each grades their team's objectives."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.LEAD,
        )
        .distinct()
        .order_by("pk")
    )


def tell_leads_grading_opened(cycle: Cycle) -> None:
    """One notification per lead and cycle: a rerun of the job finds it and sends nothing."""
    url = reverse("objectives:grading", args=[cycle.pk])
    for lead in grading_leads():
        with translation.override(lead.language or settings.LANGUAGE_CODE):
            message = _(
                "Grading of %(cycle)s is open: grade your team's key results, write the "
                "retrospectives and decide what carries over."
            ) % {"cycle": cycle.name}
            subject = _("Grading of %(cycle)s is open") % {"cycle": cycle.name}
        _notification, created = Notification.objects.get_or_create(
            user=lead, url=url, defaults={"message": message[:300]}
        )
        if created:
            send_mail(subject, f"{message}\n\n{settings.SITE_URL}{url}\n", None, [lead.email])
