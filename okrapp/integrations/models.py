"""Chat channels (Apprise URLs) and webhook endpoints, and each message or delivery sent to
them: a row claimed before it is sent, so that nothing goes out twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from okrapp.core.models import Team


class Delivery(models.Model):
    """What one send shares with every other: claimed (pending → sending) by a conditional
    UPDATE, retried with a growing delay, given up after a number of attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Given up")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True


class ChatChannel(models.Model):
    """An Apprise URL where a team's news are posted, in the channel's language. The URL
    carries the channel's credentials: encrypted at rest, shown again only masked."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="chat_channels"
    )
    name = models.CharField(_("name"), max_length=100)
    url_encrypted = models.TextField()
    # What the page shows of the URL: its scheme and host, never its tokens.
    url_hint = models.CharField(max_length=120)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["team", "name", "id"]

    def __str__(self) -> str:
        return f"{self.team} — {self.name}"


class ChatMessage(Delivery):
    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="messages")
    # One message per channel per event: "weekly-reminder:2026-W49", "kpi-status:12:red:…".
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="one_chat_message_per_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class WebhookEvent(models.TextChoices):
    CHECKIN_CREATED = "checkin.created", _("A check-in is recorded")
    KEY_RESULT_UPDATED = "key_result.updated", _("A key result is changed")
    OBJECTIVE_CREATED = "objective.created", _("An objective is created")
    OBJECTIVE_UPDATED = "objective.updated", _("An objective is changed")
    KPI_STATUS_CHANGED = "kpi.status_changed", _("A KPI's status changes")
    CYCLE_STATUS_CHANGED = "cycle.status_changed", _("A cycle's status changes")


class WebhookEndpoint(models.Model):
    """An HTTPS address an admin registered, the events it receives, and the secret that
    signs each delivery (encrypted at rest, shown once)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("administrator"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField()
    is_active = models.BooleanField(_("active"), default=True)
    # Since when every delivery failed (None while the last one succeeded); a day of failures
    # switches the endpoint off.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(Delivery):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(unique=True)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # The exact bytes sent (and signed), so that a retry sends the same body.
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["endpoint", "-created_at"]),
        ]
