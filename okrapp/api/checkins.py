"""API v1: check-ins. Posting one has exactly the page's effects (checkins.services): the key
result's current value and confidence, then the scores."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from checkins import permissions as checkin_permissions
from checkins import services
from checkins.models import CheckIn
from objectives import permissions
from objectives.models import KeyResult
from okrapp.api.base import (
    ApiCursorPagination,
    ApiViewMixin,
    BaseModelSerializer,
    IdFilter,
    StrictPrimaryKeyRelatedField,
    context_viewer,
)


class CheckInSerializer(BaseModelSerializer):
    key_result = StrictPrimaryKeyRelatedField(queryset=KeyResult.objects.all())

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "key_result",
            "value",
            "confidence",
            "comment",
            "blockers",
            "author",
            "created_at",
        ]
        read_only_fields = ["author", "created_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        viewer = context_viewer(self)
        if viewer is not None:
            self.fields["key_result"].queryset = KeyResult.objects.filter(
                permissions.visible_objectives_q(viewer, "objective__")
            )

    def validate_key_result(self, key_result: KeyResult) -> KeyResult:
        if self.instance is not None and key_result.pk != self.instance.key_result_id:
            raise serializers.ValidationError(_("A check-in cannot move to another key result."))
        if refusal := services.checkin_refusal(key_result.objective.cycle):
            raise serializers.ValidationError(refusal)
        return key_result

    def validate(self, attrs: dict) -> dict:
        # A correction follows the rule of new check-ins, with or without key_result sent.
        if self.instance is not None and (
            refusal := services.checkin_refusal(self.instance.key_result.objective.cycle)
        ):
            raise serializers.ValidationError({"key_result": [refusal]})
        return attrs


class CheckInFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="key_result__objective__cycle_id")
    objective = IdFilter(field_name="key_result__objective_id")
    team = IdFilter(field_name="key_result__objective__team_id")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = CheckIn
        fields = ["key_result", "author", "confidence"]


class CheckInViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Check-ins on the key results you can see, newest first, paged by cursor: follow `next`
    (no count, no page numbers). POST checks in (as the key result's owner, or anyone who may
    edit its objective); only the author may correct or delete the key result's latest
    check-in."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    # The list grows without bound: counting it cost more than its page (ApiCursorPagination).
    # A cursor needs a (nearly) unique first field, hence no ordering by value.
    pagination_class = ApiCursorPagination
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        if self.is_schema_generation:
            return CheckIn.objects.none()
        return CheckIn.objects.filter(
            permissions.visible_objectives_q(self.viewer, "key_result__objective__")
        )

    def get_object(self) -> CheckIn:
        if self.is_write():
            return checkin_permissions.get_checkin_for_author(self.viewer, self.lookup_id())
        return super().get_object()

    def perform_create(self, serializer: CheckInSerializer) -> None:
        data = dict(serializer.validated_data)
        key_result = permissions.get_key_result_for_user(
            self.viewer, data.pop("key_result").pk, check_in=True
        )
        serializer.instance = services.checkin_create(
            key_result=key_result, author=self.request.user, **data
        )

    def perform_update(self, serializer: CheckInSerializer) -> None:
        checkin = serializer.instance
        data = {
            "value": checkin.value,
            "confidence": checkin.confidence,
            "comment": checkin.comment,
            "blockers": checkin.blockers,
            **serializer.validated_data,
        }
        data.pop("key_result", None)
        serializer.instance = services.checkin_update(
            checkin=checkin, author=self.request.user, **data
        )

    def perform_destroy(self, instance: CheckIn) -> None:
        if refusal := services.checkin_refusal(instance.key_result.objective.cycle):
            raise serializers.ValidationError({"key_result": [refusal]})
        services.checkin_delete(checkin=instance, author=self.request.user)
