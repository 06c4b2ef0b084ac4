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
        indexes = [
            models.Index(fields=["key_result", "-created_at", "-id"]),
            # "Blockers this week" reads the few blocked check-ins among the week's thousands.
            models.Index(
                fields=["created_at"],
                condition=~models.Q(blockers=""),
                name="checkin_with_blockers",
            ),
        ]

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


class WeeklyDigestDelivery(models.Model):
    """The weekly digest of one lead or admin for one week: the unique row is claimed before
    the email is sent, so two workers or a rerun never send it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_digests"
    )
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "iso_year", "iso_week"], name="one_weekly_digest_per_person"
            )
        ]


class NotificationKind(models.TextChoices):
    """Every event that may matter to a person; each kind has its own delivery preference."""

    MENTION = "mention", _("You were mentioned")
    COMMENT = "comment", _("A comment on something you own")
    CHECKIN = "checkin", _("Someone else checked in on your key result")
    OFF_TRACK = "off_track", _("Your key result went off track")
    ASSIGNMENT = "assignment", _("You were made owner of an objective or a key result")
    KPI_STATUS = "kpi_status", _("A KPI you own turned alert or stale")
    GRADING = "grading", _("Grading opened: grades to give")
    INVITATION_ACCEPTED = "invitation", _("An invitation you sent was accepted")
    NUDGE = "nudge", _("A lead reminded you to check in")
    REMINDER = "reminder", _("The weekly check-in reminder")
    INTEGRATION = "integration", _("A webhook you registered was switched off")
    WEEKLY_DIGEST = "weekly_digest", _("The weekly digest of the teams you lead (leads, admins)")


class EmailChoice(models.TextChoices):
    IMMEDIATELY = "immediately", _("Email immediately")
    DIGEST = "digest", _("In the daily digest")
    NEVER = "never", _("Never by email")


class EmailStatus(models.TextChoices):
    """A notification's email: claimed (pending or digest → sending) before it is sent."""

    NONE = "", _("No email")
    PENDING = "pending", _("To send")
    DIGEST = "digest", _("Waiting for the digest")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        max_length=20, choices=NotificationKind.choices, default=NotificationKind.REMINDER
    )
    # One notification per person per event: "mention:comment:12" says which event.
    key = models.CharField(max_length=200, blank=True, default="")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    email_status = models.CharField(
        max_length=8, choices=EmailStatus.choices, default=EmailStatus.NONE, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_status", "user"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="one_notification_per_person_per_event",
            )
        ]


class NotificationPreference(models.Model):
    """How one person hears of one kind of event by email; in-app is always on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    email = models.CharField(max_length=12, choices=EmailChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]


# A comment: plain text, links made clickable, mentions of people; bounded everywhere.
COMMENT_LENGTH = 4000


class Comment(models.Model):
    """A comment on an objective, one of its key results or one of their check-ins. The
    objective is always set, so a comment is exactly as visible as its objective."""

    objective = models.ForeignKey(
        "objectives.Objective",
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    key_result = models.ForeignKey(
        "objectives.KeyResult",
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    checkin = models.ForeignKey(
        CheckIn,
        verbose_name=_("check-in"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    body = models.TextField(
        _("comment"), max_length=COMMENT_LENGTH, validators=[MaxLengthValidator(COMMENT_LENGTH)]
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["objective", "key_result", "checkin", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checkin__isnull=True) | models.Q(key_result__isnull=False),
                name="comment_on_checkin_names_its_key_result",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Emoji(models.TextChoices):
    THUMBS_UP = "👍", _("Thumbs up")
    TADA = "🎉", _("Celebrate")
    HEART = "❤️", _("Love")
    EYES = "👀", _("Looking")
    THINKING = "🤔", _("Thinking")


class Reaction(models.Model):
    """One person's emoji on a check-in or a comment, at most one of each emoji."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(max_length=8, choices=Emoji.choices)
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checkin__isnull=True, comment__isnull=False)
                | models.Q(checkin__isnull=False, comment__isnull=True),
                name="reaction_on_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "checkin", "emoji"],
                condition=models.Q(checkin__isnull=False),
                name="one_emoji_per_person_per_checkin",
            ),
            models.UniqueConstraint(
                fields=["user", "comment", "emoji"],
                condition=models.Q(comment__isnull=False),
                name="one_emoji_per_person_per_comment",
            ),
        ]


class Nudge(models.Model):
    """A lead reminding one member to check in: at most one a day per member."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_sent"
    )
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_nudge_per_person_per_day")
        ]
