"""Objectives, their key results and the initiatives that serve them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives import scoring

SCORE_FIELD = {"max_digits": 20, "decimal_places": 12, "null": True, "blank": True}
VALUE_FIELD = {"max_digits": 20, "decimal_places": 4}
# Long texts are bounded too, in the model, the forms and the API alike.
DESCRIPTION_LENGTH = 5000
DEFAULT_WEIGHT = Decimal(1)


class Confidence(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class LiveObjectiveManager(models.Manager):
    """The objectives in use: an archived one is kept for its history but left out of every
    board, roll-up, snapshot and list (Objective.all_objects still reads it)."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


class Objective(models.Model):
    class Level(models.TextChoices):
        COMPANY = "company", _("Company")
        TEAM = "team", _("Team")
        INDIVIDUAL = "individual", _("Individual")

    class Kind(models.TextChoices):
        COMMITTED = "committed", _("Committed")
        ASPIRATIONAL = "aspirational", _("Aspirational")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    cycle = models.ForeignKey(
        "okrapp.Cycle", verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    team = models.ForeignKey(
        "okrapp.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="objectives"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("aligned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMMITTED)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Kept by objectives.services from the key results (objectives.scoring); None = no score.
    score = models.DecimalField(_("score"), **SCORE_FIELD)
    # Grading: the weighted mean of the key results' final grades, and the retrospective.
    final_score = models.DecimalField(_("final score"), **SCORE_FIELD)
    went_well = models.TextField(
        _("what went well"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    went_badly = models.TextField(
        _("what did not go well"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    learned = models.TextField(
        _("what we learned"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set instead of deleting an objective with check-ins (objectives.services.objective_delete).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = LiveObjectiveManager()
    all_objects = models.Manager()

    class Meta:
        base_manager_name = "all_objects"
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["cycle", "level", "team__path", "id"]
        indexes = [
            models.Index(fields=["cycle", "level"]),
            models.Index(fields=["cycle", "owner"]),
            models.Index(fields=["cycle", "team"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("objectives:detail", args=[self.pk])

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_company_level(self) -> bool:
        return self.level == self.Level.COMPANY

    @property
    def is_aspirational(self) -> bool:
        return self.kind == self.Kind.ASPIRATIONAL


class KeyResult(models.Model):
    class Kind(models.TextChoices):
        NUMERIC = "numeric", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        CURRENCY = "currency", _("Currency")
        MILESTONE = "milestone", _("Milestone")

    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="key_results",
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="key_results",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NUMERIC)
    start_value = models.DecimalField(_("start value"), default=Decimal(0), **VALUE_FIELD)
    target_value = models.DecimalField(_("target value"), **VALUE_FIELD)
    current_value = models.DecimalField(_("current value"), default=Decimal(0), **VALUE_FIELD)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_WEIGHT,
        validators=[MinValueValidator(Decimal(0))],
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Kept by the check-in services: the latest check-in's confidence and time.
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True, default=""
    )
    last_checkin_at = models.DateTimeField(_("last check-in"), null=True, blank=True)
    # Kept by objectives.services from scoring.key_result_score.
    score = models.DecimalField(_("score"), **SCORE_FIELD)
    # Grading: 0–100, set to the computed score when grading opens, changed by its grader.
    final_score = models.DecimalField(
        _("final grade"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    grade_note = models.TextField(
        _("grade note"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )

    class Meta:
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        ordering = ["objective", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="key_result_weight_positive"),
            models.CheckConstraint(
                condition=~Q(start_value=models.F("target_value")),
                name="key_result_target_differs_from_start",
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0, final_score__lte=100),
                name="key_result_final_score_0_to_100",
            ),
        ]
        indexes = [models.Index(fields=["owner", "objective"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if (
            self.start_value is not None
            and self.target_value is not None
            and self.start_value == self.target_value
        ):
            raise ValidationError(
                {
                    "target_value": _(
                        "The target must differ from the start value, or progress cannot "
                        "be measured."
                    )
                }
            )

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE

    @property
    def is_done(self) -> bool:
        """A milestone that is reached (objectives.scoring.milestone_done)."""
        return self.is_milestone and scoring.milestone_done(
            start=self.start_value, target=self.target_value, current=self.current_value
        )

    @property
    def is_weighted(self) -> bool:
        """It weighs more or less than the others in its objective's score."""
        return self.weight != DEFAULT_WEIGHT

    @property
    def display_unit(self) -> str:
        """The unit shown after its values: a percentage without a unit of its own shows %."""
        if not self.unit and self.kind == self.Kind.PERCENTAGE:
            return "%"
        return self.unit


class Initiative(models.Model):
    """A task or output that serves a key result; never scored."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")

    key_result = models.ForeignKey(
        KeyResult,
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.TODO
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["key_result", "id"]

    def __str__(self) -> str:
        return self.title


class CarryOver(models.Model):
    """The decision taken about an objective of a finished cycle: kept (copied into a next
    cycle, `target` is the copy) or abandoned (nothing copied, an optional reason). One per
    objective: carrying it a second time is refused."""

    class Decision(models.TextChoices):
        KEEP = "keep", _("Keep")
        MODIFY = "modify", _("Modify")
        ABANDON = "abandon", _("Abandon")

    source = models.OneToOneField(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="carry_over",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    cycle = models.ForeignKey(
        "okrapp.Cycle",
        verbose_name=_("into cycle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_in",
    )
    target = models.OneToOneField(
        Objective,
        verbose_name=_("carried into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_from",
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_LENGTH)],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("carry-over")
        verbose_name_plural = _("carry-overs")

    def __str__(self) -> str:
        return f"{self.source} — {self.get_decision_display()}"


class ScoreSnapshot(models.Model):
    """One day's roll-up of a node (the company, a team or a person) in a cycle."""

    class NodeType(models.TextChoices):
        TEAM = "team", _("Team")
        PERSON = "person", _("Person")

    cycle = models.ForeignKey("okrapp.Cycle", on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    node_type = models.CharField(max_length=8, choices=NodeType.choices)
    team = models.ForeignKey(
        "okrapp.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    own_score = models.DecimalField(**SCORE_FIELD)
    rolled_up_score = models.DecimalField(**SCORE_FIELD)
    scored_objectives = models.PositiveIntegerField(default=0)
    is_final = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "team", "day"],
                condition=Q(node_type="team"),
                name="one_team_snapshot_per_day",
            ),
            models.UniqueConstraint(
                fields=["cycle", "user", "day"],
                condition=Q(node_type="person"),
                name="one_person_snapshot_per_day",
            ),
            models.CheckConstraint(
                condition=(Q(node_type="team", team__isnull=False, user__isnull=True))
                | Q(node_type="person", user__isnull=False, team__isnull=True),
                name="snapshot_node_matches_type",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "node_type", "day"]),
            # "Is this cycle frozen?" is asked by every roll-up: a few rows, not the history.
            models.Index(fields=["cycle"], condition=Q(is_final=True), name="final_snapshots"),
        ]
