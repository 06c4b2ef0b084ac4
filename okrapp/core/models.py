"""The organisation: people, teams (a tree whose root is the company), memberships, cycles."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    reminders_opt_out = models.BooleanField(
        _("no weekly check-in reminder"),
        default=False,
        help_text=_("Do not send me the weekly check-in reminder email."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("Administrators run the organisation and may use the admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def is_org_admin(self) -> bool:
        """Admins run the organisation: they edit company objectives and every team's."""
        return self.is_active and (self.is_staff or self.is_superuser)


class Team(models.Model):
    """A node of the organisation tree. The single root (no parent) is the company."""

    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("1/4/9/"): ancestors and subtrees without recursive queries.
    path = models.CharField(max_length=512, editable=False, default="", db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="team_name_unique_among_siblings"
            ),
            models.UniqueConstraint(
                fields=["depth"], condition=Q(parent__isnull=True), name="single_root_team"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.parent_id is None

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the company down to this team's parent."""
        return [int(part) for part in self.path.split("/") if part][:-1]

    @property
    def lineage_ids(self) -> list[int]:
        """Ids from the company down to and including this team."""
        return [int(part) for part in self.path.split("/") if part]

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            root = Team.objects.filter(parent__isnull=True).exclude(pk=self.pk).first()
            if root is not None:
                raise ValidationError(
                    {
                        "parent": _(
                            "The company (%(name)s) is already the root team; choose a parent."
                        )
                        % {"name": root.name}
                    }
                )
        elif self.pk is not None:
            parent = Team.objects.get(pk=self.parent_id)
            if self.pk in parent.lineage_ids:
                raise ValidationError({"parent": _("A team cannot be placed under itself.")})

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
        self.depth = 0
        parent_path = ""
        if self.parent_id is not None:
            parent = Team.objects.only("path", "depth").get(pk=self.parent_id)
            parent_path, self.depth = parent.path, parent.depth + 1
        self.path = f"{parent_path}{self.pk}/"
        kwargs.pop("force_insert", None)
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for descendant in Team.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                descendant.save()

    @classmethod
    def company(cls) -> Team | None:
        return cls.objects.filter(parent__isnull=True).first()


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_primary = models.BooleanField(
        _("primary team"),
        default=False,
        help_text=_("The team whose scores this person's objectives roll up to."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["team__path", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_primary=True), name="one_primary_team_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.get_role_display()})"


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    end = (
        datetime.date(day.year + 1, 1, 1)
        if first_month == 10
        else datetime.date(day.year, first_month + 3, 1)
    ) - datetime.timedelta(days=1)
    return start, end


def quarter_name(day: datetime.date) -> str:
    # "T" for trimestre in French, "Q" in English; the stored name is the product's own.
    return f"T{(day.month - 1) // 3 + 1} {day.year}"


class Cycle(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=60, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNING
    )

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="cycle_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})

    @classmethod
    def suggested(cls, today: datetime.date | None = None) -> dict:
        """Initial values for a new cycle: the next quarter without a cycle."""
        day = today or timezone.localdate()
        start, end = quarter_bounds(day)
        while cls.objects.filter(start_date__lte=end, end_date__gte=start).exists():
            start, end = quarter_bounds(end + datetime.timedelta(days=1))
        return {"name": quarter_name(start), "start_date": start, "end_date": end}


class PersonalAccessToken(models.Model):
    """An API token; only its SHA-256 digest is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Job(models.Model):
    """Background work that must happen (a cycle's final roll-up, …), recorded in the same
    transaction as the change that calls for it. The broker is only told after the commit; if
    it is down, or a worker dies, the periodic sweep (okrapp.core.tasks.sweep_jobs) sends the
    job again until a worker has done it. Running it is claimed with a conditional UPDATE."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    # Work that must happen once (a cycle's final roll-up) has a key: recording it twice is one.
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "run_after"])]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.status})"


class Invitation(models.Model):
    """An admin's invitation: the person exists (without a usable password) from the moment
    they are invited; the emailed link, signed with the invitation's current nonce, lets them
    choose their password once. Resending draws a new nonce, so only the latest link works."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_person",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) < self.expires_at
