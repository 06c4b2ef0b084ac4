"""KPIs: the four-part indicator (measure, target, data source, frequency) and its measurements."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from objectives.models import VALUE_FIELD

DEFINITION_LENGTH = 2000


class KPI(models.Model):
    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
        LOWER_IS_BETTER = "lower_is_better", _("Lower is better")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class SourceKind(models.TextChoices):
        MANUAL = "manual", _("Typed or imported by hand")
        HTTP_JSON = "http_json", _("A JSON web address (HTTP)")
        CSV_URL = "csv_url", _("A CSV file at a web address")
        SQL = "sql", _("An SQL query on a database")

    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(
        _("definition"),
        max_length=DEFINITION_LENGTH,
        validators=[MaxLengthValidator(DEFINITION_LENGTH)],
        help_text=_("How the measure is computed, so everyone agrees on it."),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.HIGHER_IS_BETTER,
    )
    target_value = models.DecimalField(_("target value"), **VALUE_FIELD)
    alert_threshold = models.DecimalField(
        _("alert threshold"), null=True, blank=True, **VALUE_FIELD
    )
    data_source = models.CharField(_("data source"), max_length=200)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="kpis",
    )
    team = models.ForeignKey(
        "okrapp.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="kpis"
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Where the numbers are fetched from (kpis.connectors): manual, or a connector whose
    # settings are `source_config` and whose secret (a header value, a database URL) is kept
    # encrypted in `source_secret` (kpis.secrets), never shown again.
    source_kind = models.CharField(
        _("fetched from"), max_length=10, choices=SourceKind.choices, default=SourceKind.MANUAL
    )
    source_config = models.JSONField(_("connector settings"), default=dict, blank=True)
    source_secret = models.TextField(_("connector secret, encrypted"), blank=True, default="")
    # The next sync is due at this time; the beat task claims due KPIs by moving it forward.
    next_sync_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Failed syncs in a row, and whether the owner was told (once per run of failures).
    sync_failures = models.PositiveIntegerField(default=0)
    sync_failure_notified = models.BooleanField(default=False)
    # The alert or stale status its owner was last told of ("" once it is fine again): a turn
    # to red or stale is claimed by a conditional UPDATE here, so it is told once.
    notified_status = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from kpis.health import threshold_on_failing_side

        super().clean()
        if (
            self.alert_threshold is not None
            and self.target_value is not None
            and not threshold_on_failing_side(
                direction=self.direction,
                target=self.target_value,
                threshold=self.alert_threshold,
            )
        ):
            message = (
                _("When lower is better, the alert threshold must be above the target.")
                if self.direction == self.Direction.LOWER_IS_BETTER
                else _("When higher is better, the alert threshold must be below the target.")
            )
            raise ValidationError({"alert_threshold": message})

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def is_connected(self) -> bool:
        return self.source_kind != self.SourceKind.MANUAL

    @property
    def lower_is_better(self) -> bool:
        return self.direction == self.Direction.LOWER_IS_BETTER


class Measurement(models.Model):
    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements"
    )
    period_date = models.DateField(_("period date"))
    value = models.DecimalField(_("value"), **VALUE_FIELD)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measurements",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi", "-period_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_date"], name="one_measurement_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period_date}: {self.value}"


class KPISync(models.Model):
    """One run of a KPI's connector: when, how long, what it changed, or why it failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("On schedule")
        MANUAL = "manual", _("On request")

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="syncs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    # In plain language, without any secret: "the server answered 403".
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kpi", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


# The bridge: KPIs know the key results and check-ins they feed; those apps know nothing of it.


class KeyResultLink(models.Model):
    """A key result that follows a KPI (or that became one): the KPI's latest period is
    recorded as its check-in."""

    key_result = models.OneToOneField(
        "objectives.KeyResult",
        verbose_name=_("key result"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="kpi_link",
    )
    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="key_result_links"
    )

    class Meta:
        verbose_name = _("key result following a KPI")
        verbose_name_plural = _("key results following a KPI")

    def __str__(self) -> str:
        return f"{self.kpi} → {self.key_result_id}"


class MeasurementCheckIn(models.Model):
    """The check-in a measurement recorded on a linked key result: found again when the
    measurement is corrected, so the bridge never records the same period twice."""

    check_in = models.OneToOneField(
        "checkins.CheckIn",
        verbose_name=_("check-in"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="measurement_link",
    )
    # One check-in per linked key result: a measurement feeds every key result of its KPI.
    measurement = models.ForeignKey(
        Measurement,
        verbose_name=_("measurement"),
        on_delete=models.CASCADE,
        related_name="check_in_links",
    )

    class Meta:
        verbose_name = _("check-in recorded from a measurement")
        verbose_name_plural = _("check-ins recorded from a measurement")

    def __str__(self) -> str:
        return f"{self.measurement} → {self.check_in_id}"
