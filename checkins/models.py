"""Weekly check-ins on key results, reminders and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import VALUE_FIELD, Confidence

# A check-in's comment and blockers: a weekly note, bounded in the model, forms and API alike.
TEXT_LENGTH = 2000


class CheckIn(models.Model):
    key_result = models.ForeignKey(
        "objectives.KeyResult",
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    value = models.DecimalField(_("value"), **VALUE_FIELD)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=TEXT_LENGTH,
        validators=[MaxLengthValidator(TEXT_LENGTH)],
    )
    blockers = models.TextField(
        _("blockers"),
        blank=True,
        max_length=TEXT_LENGTH,
        validators=[MaxLengthValidator(TEXT_LENGTH)],
    )
    created_at = models.DateTimeField(_("checked in at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["key_result", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.key_result} — {self.value}"


class Reminder(models.Model):
    """The weekly reminder of one person; the unique row is claimed before the email is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # Claimed by a worker that died mid-email: it may or may not have gone out, so it is
        # not sent again (at most one reminder a week), and it is logged.
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="one_reminder_per_person_per_week"
            )
        ]


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
