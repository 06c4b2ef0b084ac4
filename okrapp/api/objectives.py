"""API v1: objectives and key results. Thin: the rules are objectives.permissions, the writes
objectives.services — the same functions the pages call."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis.models import KPI
from kpis.permissions import can_view_kpi, can_view_kpi_of, visible_kpis_q
from objectives import grading_services, permissions, services
from objectives.models import DESCRIPTION_LENGTH, CarryOver, Confidence, KeyResult, Objective
from okrapp.api.base import (
    ApiViewMixin,
    BaseModelSerializer,
    ScoreField,
    SharedCountPagination,
    StrictPrimaryKeyRelatedField,
    TextField,
    context_viewer,
)
from okrapp.core import freshness
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import request_viewer


class ConfidenceField(serializers.ChoiceField):
    """The latest check-in's confidence; null until the first check-in (stored as "")."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Confidence.choices, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


def _active_people():
    return User.objects.filter(is_active=True)


def _ordered_key_results():
    # The KPI link is the kpis app's (KeyResultLink); read with the key result, no N+1.
    return KeyResult.objects.select_related("kpi_link__kpi").order_by("position", "id")


def _with_key_results(objectives):
    # Cycle, team and owner are answered as ids: no join for them.
    return objectives.select_related("carry_over").prefetch_related(
        Prefetch("key_results", queryset=_ordered_key_results())
    )


# A serializer context flag: the KPIs' ids unmasked, for a representation shared by every
# viewer that each viewer's rights mask after the cache read.
UNMASKED_KPIS = "unmasked_kpis"


class VisibleKPIField(serializers.IntegerField):
    """The KPI a key result follows (kpis.KeyResultLink), or null — also when the reader may
    not see that KPI: a private KPI's id stays with those who may see it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, key_result: KeyResult) -> int | None:
        link = getattr(key_result, "kpi_link", None)
        if link is not None and self.context.get(UNMASKED_KPIS):
            return link.kpi_id  # masked by the caller (ObjectiveViewSet.list)
        viewer = context_viewer(self.parent)
        if link is None or viewer is None or not can_view_kpi(viewer, link.kpi):
            return None
        return link.kpi_id


def _kpi_field() -> serializers.IntegerField:
    return VisibleKPIField(
        help_text="The KPI this key result follows; set from the KPI pages (the bridge)."
    )


class KeyResultSerializer(BaseModelSerializer):
    """`current_value`, `score` and `confidence` follow the check-ins; `kpi` is set from the
    KPI pages (the bridge)."""

    objective = StrictPrimaryKeyRelatedField(queryset=Objective.objects.all())
    owner = StrictPrimaryKeyRelatedField(queryset=_active_people(), required=False)
    score = ScoreField()
    confidence = ConfidenceField()
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    kpi = _kpi_field()

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "objective",
            "title",
            "kind",
            "start_value",
            "target_value",
            "current_value",
            "unit",
            "weight",
            "owner",
            "score",
            "confidence",
            "kpi",
            "position",
            "final_score",
            "grade_note",
        ]
        read_only_fields = ["current_value"]
        extra_kwargs = {
            "final_score": {
                "help_text": "The final grade, 0–100: set to the score when grading opens, "
                "writable during grading by the key result's owner, the objective's owner, "
                "its team's leads and admins."
            }
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        viewer = context_viewer(self)
        if viewer is not None:
            self.fields["objective"].queryset = Objective.objects.filter(
                permissions.visible_objectives_q(viewer)
            )

    def validate_objective(self, objective: Objective) -> Objective:
        if self.instance is not None and objective.pk != self.instance.objective_id:
            raise serializers.ValidationError(_("A key result cannot move to another objective."))
        return objective


class NestedKeyResultSerializer(BaseModelSerializer):
    """A key result written with its objective; with an `id`, on update, it changes that one."""

    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    owner = StrictPrimaryKeyRelatedField(queryset=_active_people(), required=False)
    score = ScoreField()
    confidence = ConfidenceField()
    kpi = _kpi_field()

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "title",
            "kind",
            "start_value",
            "target_value",
            "current_value",
            "unit",
            "weight",
            "owner",
            "score",
            "confidence",
            "kpi",
            "final_score",
            "grade_note",
        ]
        read_only_fields = ["current_value", "final_score", "grade_note"]


class RetrospectiveSerializer(serializers.Serializer):
    went_well = TextField(required=False, allow_blank=True, max_length=DESCRIPTION_LENGTH)
    went_badly = TextField(required=False, allow_blank=True, max_length=DESCRIPTION_LENGTH)
    learned = TextField(required=False, allow_blank=True, max_length=DESCRIPTION_LENGTH)


class CarryOverSerializer(BaseModelSerializer):
    """What became of an objective of a finished cycle; `target` is the copy (keep)."""

    class Meta:
        model = CarryOver
        fields = ["decision", "cycle", "target", "reason", "decided_by", "decided_at"]
        read_only_fields = fields


class CarryOverRequestSerializer(serializers.Serializer):
    cycle = StrictPrimaryKeyRelatedField(queryset=Cycle.objects.all(), required=False)
    decision = serializers.ChoiceField(
        choices=[CarryOver.Decision.KEEP, CarryOver.Decision.ABANDON]
    )
    key_results = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=20,
        help_text="The key results to copy (keep); by default every unfinished one.",
    )
    reason = TextField(required=False, allow_blank=True, max_length=DESCRIPTION_LENGTH)


class RetrospectiveField(serializers.Field):
    """The objective's retrospective; written during grading by its owner, its team's leads
    and admins."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, objective: Objective) -> dict:
        return {
            "went_well": objective.went_well,
            "went_badly": objective.went_badly,
            "learned": objective.learned,
        }

    def to_internal_value(self, data) -> dict:
        serializer = RetrospectiveSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return {"retrospective": serializer.validated_data}


class CarryOverField(serializers.Field):
    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, objective: Objective) -> dict | None:
        record = getattr(objective, "carry_over", None)
        if record is None:
            return None
        return {"decision": record.decision, "target": record.target_id}


class ObjectiveSerializer(BaseModelSerializer):
    kind = serializers.ChoiceField(choices=Objective.Kind.choices, required=False)
    cycle = StrictPrimaryKeyRelatedField(queryset=Cycle.objects.all())
    team = StrictPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    owner = StrictPrimaryKeyRelatedField(queryset=_active_people(), required=False)
    parent = StrictPrimaryKeyRelatedField(
        queryset=Objective.objects.all(), required=False, allow_null=True
    )
    score = ScoreField()
    final_score = ScoreField()
    retrospective = extend_schema_field(RetrospectiveSerializer)(RetrospectiveField)()
    carry_over = extend_schema_field(
        inline_serializer(
            name="CarryOverDecision",
            fields={
                "decision": serializers.ChoiceField(choices=CarryOver.Decision.choices),
                "target": serializers.IntegerField(allow_null=True),
            },
            allow_null=True,
        )
    )(CarryOverField)()
    key_results = NestedKeyResultSerializer(many=True, required=False, max_length=20)

    class Meta:
        model = Objective
        fields = [
            "id",
            "cycle",
            "title",
            "description",
            "level",
            "team",
            "owner",
            "parent",
            "kind",
            "visibility",
            "score",
            "final_score",
            "retrospective",
            "carry_over",
            "archived_at",
            "key_results",
        ]
        read_only_fields = ["archived_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        viewer = context_viewer(self)
        if viewer is not None:
            self.fields["parent"].queryset = Objective.objects.filter(
                permissions.visible_objectives_q(viewer)
            )

    def validate_key_results(self, rows: list[dict]) -> list[dict]:
        seen: set[int] = set()
        errors = {}
        for index, row in enumerate(rows):
            if row.get("id") is None:
                continue
            if row["id"] in seen:
                errors[str(index)] = {
                    "id": [_("This key result appears more than once in the list.")]
                }
            seen.add(row["id"])
        if errors:
            raise serializers.ValidationError(errors)
        return rows

    def validate_cycle(self, cycle: Cycle) -> Cycle:
        if self.instance is not None and cycle.pk != self.instance.cycle_id:
            raise serializers.ValidationError(_("An objective cannot move to another cycle."))
        return cycle


def _hidden_kpis(viewer, kpis: dict[int, tuple]) -> set[int]:
    return {
        pk
        for pk, (visibility, owner_id, team_id) in kpis.items()
        if not can_view_kpi_of(viewer, visibility=visibility, owner_id=owner_id, team_id=team_id)
    }


def _kpis_of(key_results) -> dict[int, tuple]:
    """Who may see each KPI the key results follow: (visibility, owner, team)."""
    return {
        link.kpi_id: (link.kpi.visibility, link.kpi.owner_id, link.kpi.team_id)
        for key_result in key_results
        if (link := getattr(key_result, "kpi_link", None)) is not None
    }


def _masked_key_result_kpis(viewer, rows: list[dict], kpis: dict[int, tuple]) -> list[dict]:
    """`rows` (shared, read-only) with null for each KPI the viewer may not see."""
    hidden = _hidden_kpis(viewer, kpis)
    if not hidden:
        return rows
    return [{**row, "kpi": None} if row["kpi"] in hidden else row for row in rows]


def _shared_page(view, name: str) -> tuple[list[dict], dict[int, tuple]]:
    """The page of `view`'s list as answered (`view._represented`), its KPIs unmasked: only
    its ids are read and sorted, and the page is shared by the readers of the same ids until
    the next write (any reader of these ids may see them all)."""
    ids = view.paginate_queryset(
        view.filter_queryset(view.get_queryset()).values_list("pk", flat=True)
    )
    return freshness.cached(name, lambda: view._represented(ids), freshness.digest(ids))


def _masked_kpis(viewer, objectives: list[dict], kpis: dict[int, tuple]) -> list[dict]:
    """`objectives` (shared, read-only) with null for each KPI the viewer may not see."""
    hidden = _hidden_kpis(viewer, kpis)
    if not hidden:
        return objectives
    return [
        {
            **objective,
            "key_results": [
                {**row, "kpi": None} if row["kpi"] in hidden else row
                for row in objective["key_results"]
            ],
        }
        if any(row["kpi"] in hidden for row in objective["key_results"])
        else objective
        for objective in objectives
    ]


def _key_result_rows(rows: list[dict]) -> list[dict]:
    return [{name: value for name, value in row.items() if value is not None} for row in rows]


class ObjectivePagination(SharedCountPagination):
    """20 a page by default: each objective carries its key results, so a page of 50 was four
    times the size (and time) of other lists' pages. `page_size` still goes up to 200."""

    page_size = 20


class ObjectiveViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Objectives you can see (every public one; private ones of your teams and your own).
    POST may include `key_results`; PUT/PATCH with `key_results` makes the objective's key
    results exactly that list (items with an `id` change that key result)."""

    serializer_class = ObjectiveSerializer
    pagination_class = ObjectivePagination
    filterset_fields = ["cycle", "team", "owner", "level", "kind", "visibility", "parent"]
    ordering_fields = ["id", "title", "score", "level", "created_at", "updated_at"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Objective.objects.none()
        # Archived objectives only on request: ?archived=true lists them instead.
        archived = _archived_param(self.request.query_params.get("archived"))
        objectives = Objective.all_objects.filter(archived_at__isnull=not archived)
        return objectives.filter(permissions.visible_objectives_q(self.viewer)).order_by(
            "-cycle__start_date", "level", "team__path", "id"
        )

    def list(self, request, *args, **kwargs):
        # Every visible objective is sorted for a page: sorting their ids alone, then reading
        # the page's rows whole (descriptions, retrospectives), costs half as much. Only the
        # KPIs of their key results differ from reader to reader, masked after the cache.
        objectives, kpis = _shared_page(self, "api_objectives_page")
        return self.get_paginated_response(_masked_kpis(self.viewer, objectives, kpis))

    def _represented(self, ids: list[int]) -> tuple[list[dict], dict[int, tuple]]:
        """The objectives as answered, their KPIs unmasked, and who may see each KPI."""
        rows = _with_key_results(Objective.all_objects.all()).in_bulk(ids)
        context = {**self.get_serializer_context(), UNMASKED_KPIS: True}
        page = self.get_serializer(
            [rows[pk] for pk in ids if pk in rows], many=True, context=context
        )
        kpis = _kpis_of(key_result for row in rows.values() for key_result in row.key_results.all())
        return list(page.data), kpis

    def get_object(self) -> Objective:
        # Updates and carry-over are checked by their services (editing, grading and
        # carrying over have different rules); deleting is checked here.
        return permissions.get_objective_for_user(
            self.viewer, self.lookup_id(), write=self.action == "destroy"
        )

    def _fresh(self, objective: Objective) -> Objective:
        # The services refreshed scores and key results in the database: answer with those
        # (even if the change made the objective private to a team the author is not in).
        return _with_key_results(Objective.all_objects.all()).get(pk=objective.pk)

    def perform_create(self, serializer: ObjectiveSerializer) -> None:
        data = dict(serializer.validated_data)
        data.setdefault("owner", self.request.user)
        data["key_results"] = _key_result_rows(data.pop("key_results", []))
        serializer.instance = self._fresh(services.objective_create(viewer=self.viewer, **data))

    def perform_update(self, serializer: ObjectiveSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("cycle", None)
        retrospective = data.pop("retrospective", None)
        rows = data.pop("key_results", None)
        objective = serializer.instance
        with transaction.atomic():
            if data or rows is not None or retrospective is None:
                objective = services.objective_update(
                    viewer=self.viewer,
                    objective=objective,
                    key_results=None if rows is None else _key_result_rows(rows),
                    **data,
                )
            if retrospective is not None:
                current = RetrospectiveField().to_representation(objective)
                objective = grading_services.objective_retrospective(
                    viewer=self.viewer, objective=objective, **{**current, **retrospective}
                )
        serializer.instance = self._fresh(objective)

    @extend_schema(
        request=CarryOverRequestSerializer,
        responses={
            201: ObjectiveSerializer,
            200: CarryOverSerializer,
            409: OpenApiResponse(description="This objective was carried over already."),
        },
        summary="Carry an objective of a grading or closed cycle over, or abandon it",
    )
    @action(detail=True, methods=["post"], url_path="carry-over", filter_backends=[])
    def carry_over(self, request, pk=None):
        """`keep` copies the objective and its unfinished key results (or those listed) into
        `cycle`, each starting at its last value (201, the copy); `abandon` records the
        decision and its reason (200). A second decision answers 409."""
        objective = self.get_object()
        body = CarryOverRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            result = grading_services.objective_carry_over(
                viewer=self.viewer,
                objective=objective,
                cycle=data.get("cycle"),
                decision=data["decision"],
                key_result_ids=data.get("key_results"),
                reason=data.get("reason", ""),
            )
        except grading_services.AlreadyCarried as error:
            return Response({"detail": error.messages[0]}, status=status.HTTP_409_CONFLICT)
        record = result.carry_over
        if record.target_id is None:
            return Response(CarryOverSerializer(record).data, status=status.HTTP_200_OK)
        copy = self._fresh(record.target)
        return Response(
            self.get_serializer(copy).data,
            status=status.HTTP_201_CREATED,
            headers={"X-Warnings": " ".join(result.warnings)} if result.warnings else None,
        )

    def perform_destroy(self, instance: Objective) -> None:
        """An objective with check-ins is archived instead (services.objective_delete)."""
        services.objective_delete(viewer=self.viewer, objective=instance)


def _archived_param(value: str | None) -> bool:
    if value in (None, "", "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise serializers.ValidationError({"archived": [_("Use true or false.")]})


def _visible_kpis(request):
    if request is None:  # the schema is being generated
        return KPI.objects.none()
    return KPI.objects.filter(visible_kpis_q(request_viewer(request)))


class KeyResultFilter(django_filters.FilterSet):
    # Only KPIs the reader may see: filtering by a private one is refused as an unknown id.
    kpi = django_filters.ModelChoiceFilter(field_name="kpi_link__kpi", queryset=_visible_kpis)

    class Meta:
        model = KeyResult
        fields = {
            "objective": ["exact"],
            "owner": ["exact"],
            "kind": ["exact"],
            "confidence": ["exact"],
            "objective__cycle": ["exact"],
            "objective__team": ["exact"],
        }


class KeyResultViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Key results of the objectives you can see. Change them as you would their objective."""

    serializer_class = KeyResultSerializer
    pagination_class = SharedCountPagination
    filterset_class = KeyResultFilter
    ordering_fields = ["id", "title", "score", "position", "last_checkin_at"]

    def get_queryset(self):
        if self.is_schema_generation:
            return KeyResult.objects.none()
        return (
            KeyResult.objects.filter(permissions.visible_objectives_q(self.viewer, "objective__"))
            .filter(objective__archived_at=None)
            .select_related("objective", "kpi_link__kpi")
            .order_by("objective_id", "position", "id")
        )

    def list(self, request, *args, **kwargs):
        # As for objectives (ObjectiveViewSet.list).
        key_results, kpis = _shared_page(self, "api_key_results_page")
        return self.get_paginated_response(_masked_key_result_kpis(self.viewer, key_results, kpis))

    def _represented(self, ids: list[int]) -> tuple[list[dict], dict[int, tuple]]:
        """The key results as answered, their KPIs unmasked, and who may see each KPI."""
        rows = KeyResult.objects.select_related("kpi_link__kpi").in_bulk(ids)
        context = {**self.get_serializer_context(), UNMASKED_KPIS: True}
        page = self.get_serializer(
            [rows[pk] for pk in ids if pk in rows], many=True, context=context
        )
        return list(page.data), _kpis_of(rows.values())

    def get_object(self) -> KeyResult:
        # Updates are checked by their services (editing and grading have different rules).
        return permissions.get_key_result_for_user(
            self.viewer, self.lookup_id(), write=self.action == "destroy"
        )

    def _fresh(self, key_result: KeyResult) -> KeyResult:
        return KeyResult.objects.select_related("kpi_link__kpi").get(pk=key_result.pk)

    def perform_create(self, serializer: KeyResultSerializer) -> None:
        data = dict(serializer.validated_data)
        objective = permissions.get_objective_for_user(
            self.viewer, data.pop("objective").pk, write=True
        )
        serializer.instance = self._fresh(
            services.key_result_create(viewer=self.viewer, objective=objective, **data)
        )

    def perform_update(self, serializer: KeyResultSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("objective", None)
        key_result = serializer.instance
        grade = {name: data.pop(name) for name in ("final_score", "grade_note") if name in data}
        changes = {
            name: value for name, value in data.items() if getattr(key_result, name) != value
        }
        with transaction.atomic():
            if changes or not grade:
                key_result = services.key_result_update(
                    viewer=self.viewer, key_result=key_result, **data
                )
            if grade:
                grade.setdefault("final_score", key_result.final_score)
                grade.setdefault("grade_note", key_result.grade_note)
                if grade["final_score"] is None:
                    raise DjangoValidationError({"final_score": [_("This field is required.")]})
                key_result = grading_services.key_result_grade(
                    viewer=self.viewer, key_result=key_result, **grade
                )
        serializer.instance = self._fresh(key_result)

    def perform_destroy(self, instance: KeyResult) -> None:
        services.key_result_delete(viewer=self.viewer, key_result=instance)
