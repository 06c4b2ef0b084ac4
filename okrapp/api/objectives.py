"""API v1: objectives and key results. Thin: the rules are objectives.permissions, the writes
objectives.services — the same functions the pages call."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from kpis.models import KPI
from kpis.permissions import can_view_kpi, visible_kpis_q
from objectives import permissions, services
from objectives.models import Confidence, KeyResult, Objective
from okrapp.api.base import (
    ApiViewMixin,
    BaseModelSerializer,
    ScoreField,
    StrictPrimaryKeyRelatedField,
    context_viewer,
)
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


class VisibleKPIField(serializers.IntegerField):
    """The KPI a key result follows (kpis.KeyResultLink), or null — also when the reader may
    not see that KPI: a private KPI's id stays with those who may see it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, key_result: KeyResult) -> int | None:
        link = getattr(key_result, "kpi_link", None)
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
        ]
        read_only_fields = ["current_value"]

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
        ]
        read_only_fields = ["current_value"]


class ObjectiveSerializer(BaseModelSerializer):
    kind = serializers.ChoiceField(choices=Objective.Kind.choices, required=False)
    cycle = StrictPrimaryKeyRelatedField(queryset=Cycle.objects.all())
    team = StrictPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    owner = StrictPrimaryKeyRelatedField(queryset=_active_people(), required=False)
    parent = StrictPrimaryKeyRelatedField(
        queryset=Objective.objects.all(), required=False, allow_null=True
    )
    score = ScoreField()
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


def _key_result_rows(rows: list[dict]) -> list[dict]:
    return [{name: value for name, value in row.items() if value is not None} for row in rows]


class ObjectiveViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Objectives you can see (every public one; private ones of your teams and your own).
    POST may include `key_results`; PUT/PATCH with `key_results` makes the objective's key
    results exactly that list (items with an `id` change that key result)."""

    serializer_class = ObjectiveSerializer
    filterset_fields = ["cycle", "team", "owner", "level", "kind", "visibility", "parent"]
    ordering_fields = ["id", "title", "score", "level", "created_at", "updated_at"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Objective.objects.none()
        # Archived objectives only on request: ?archived=true lists them instead.
        archived = _archived_param(self.request.query_params.get("archived"))
        objectives = Objective.all_objects.filter(archived_at__isnull=not archived)
        return (
            objectives.filter(permissions.visible_objectives_q(self.viewer))
            .select_related("cycle", "team", "owner")
            .prefetch_related(Prefetch("key_results", queryset=_ordered_key_results()))
            .order_by("-cycle__start_date", "level", "team__path", "id")
        )

    def get_object(self) -> Objective:
        return permissions.get_objective_for_user(
            self.viewer, self.lookup_id(), write=self.is_write()
        )

    def _fresh(self, objective: Objective) -> Objective:
        # The services refreshed scores and key results in the database: answer with those
        # (even if the change made the objective private to a team the author is not in).
        return Objective.all_objects.prefetch_related(
            Prefetch("key_results", queryset=_ordered_key_results())
        ).get(pk=objective.pk)

    def perform_create(self, serializer: ObjectiveSerializer) -> None:
        data = dict(serializer.validated_data)
        data.setdefault("owner", self.request.user)
        data["key_results"] = _key_result_rows(data.pop("key_results", []))
        serializer.instance = self._fresh(services.objective_create(viewer=self.viewer, **data))

    def perform_update(self, serializer: ObjectiveSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("cycle", None)
        rows = data.pop("key_results", None)
        objective = services.objective_update(
            viewer=self.viewer,
            objective=serializer.instance,
            key_results=None if rows is None else _key_result_rows(rows),
            **data,
        )
        serializer.instance = self._fresh(objective)

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

    def get_object(self) -> KeyResult:
        return permissions.get_key_result_for_user(
            self.viewer, self.lookup_id(), write=self.is_write()
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
        serializer.instance = self._fresh(
            services.key_result_update(viewer=self.viewer, key_result=serializer.instance, **data)
        )

    def perform_destroy(self, instance: KeyResult) -> None:
        services.key_result_delete(viewer=self.viewer, key_result=instance)
