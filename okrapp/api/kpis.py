"""API v1: KPIs and their measurements. The rules are kpis.permissions and kpis.health, the
reads kpis.selectors, the writes kpis.services — recording measurements here goes through
the same service as the KPI page and the CSV import, so it feeds linked key results exactly
as they do (the bridge)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis import health, permissions, selectors, services
from kpis.models import KPI, Measurement
from okrapp.api.base import (
    ApiViewMixin,
    BaseModelSerializer,
    NumberField,
    StrictPrimaryKeyRelatedField,
)
from okrapp.core.models import Team, User

MAX_MEASUREMENTS_PER_REQUEST = 1000


class KPISerializer(BaseModelSerializer):
    team = StrictPrimaryKeyRelatedField(queryset=Team.objects.all())
    owner = StrictPrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    status = serializers.SerializerMethodField()
    latest_value = NumberField(max_digits=20, decimal_places=4, read_only=True, allow_null=True)
    latest_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = KPI
        fields = [
            "id",
            "name",
            "definition",
            "unit",
            "direction",
            "target_value",
            "alert_threshold",
            "data_source",
            "frequency",
            "owner",
            "team",
            "visibility",
            "status",
            "latest_value",
            "latest_date",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=health.STATUSES))
    def get_status(self, kpi: KPI) -> str:
        return selectors.latest_status(kpi)


class MeasurementSerializer(BaseModelSerializer):
    date = serializers.DateField(source="period_date")

    class Meta:
        model = Measurement
        fields = ["date", "value", "note"]
        # One per KPI and date is an upsert here, not a uniqueness error.
        validators = []


class MeasurementListSerializer(serializers.ListSerializer):
    child = MeasurementSerializer()

    def __init__(self, *args, **kwargs) -> None:
        # ListSerializer.__init__ resets these from its keyword arguments: class attributes
        # would be silently ignored.
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_MEASUREMENTS_PER_REQUEST)
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        dates = [item["period_date"] for item in attrs]
        if len(set(dates)) != len(dates):
            raise serializers.ValidationError(_("Each date may appear only once in a request."))
        return attrs


class KPIFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(value, value) for value in health.STATUSES], method="filter_status"
    )

    class Meta:
        model = KPI
        fields = ["team", "owner", "frequency", "direction", "visibility"]

    def filter_status(self, queryset, name, value):
        """The status rules are kpis.health's, in Python: one extra query, no second copy."""
        return selectors.filter_status(queryset, value)


MEASUREMENT_INPUT = {
    "oneOf": [
        {"$ref": "#/components/schemas/Measurement"},
        {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Measurement"},
            "minItems": 1,
            "maxItems": MAX_MEASUREMENTS_PER_REQUEST,
        },
    ]
}


class KPIViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """KPIs you can see, with their status (green, amber, red, stale, none) and latest value.
    Created by admins and team leads (any owner), or by a team member for themselves."""

    serializer_class = KPISerializer
    filterset_class = KPIFilter
    ordering_fields = ["id", "name", "latest_date", "created_at"]

    def get_queryset(self):
        if self.is_schema_generation:
            return KPI.objects.none()
        return selectors.visible_kpis_with_latest(self.viewer)

    def get_object(self) -> KPI:
        if self.is_write() and self.action != "measurements":
            permissions.get_kpi_for_user(self.viewer, self.lookup_id(), write=True)
        return super().get_object()

    def perform_create(self, serializer: KPISerializer) -> None:
        kpi = services.kpi_create(viewer=self.viewer, **serializer.validated_data)
        serializer.instance = selectors.kpi_with_latest(kpi.pk)

    def perform_update(self, serializer: KPISerializer) -> None:
        kpi = services.kpi_update(
            viewer=self.viewer, kpi=serializer.instance, **serializer.validated_data
        )
        serializer.instance = selectors.kpi_with_latest(kpi.pk)

    def perform_destroy(self, instance: KPI) -> None:
        services.kpi_delete(viewer=self.viewer, kpi=instance)

    @extend_schema(
        methods=["GET"],
        responses=MeasurementSerializer(many=True),
        summary="The KPI's measurements, newest first",
        description="Paginated, newest period first.",
    )
    @extend_schema(
        methods=["POST"],
        request={"application/json": MEASUREMENT_INPUT},
        responses={
            200: OpenApiResponse(
                response=MEASUREMENT_INPUT,
                description="The measurements as stored: one object, or a list for a list.",
            )
        },
        summary="Record one measurement, or a list of them (upsert on date, all or nothing)",
        description="Each date is created or updated (an upsert), in one transaction: any "
        "invalid item refuses the whole request. Linked key results receive their check-in "
        "from the latest period, as on the KPI page.",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def measurements(self, request, pk=None):
        if request.method == "GET":
            kpi = self.get_object()
            page = self.paginate_queryset(selectors.measurements_newest_first(kpi))
            return self.get_paginated_response(MeasurementSerializer(page, many=True).data)
        kpi = permissions.get_kpi_for_user(self.viewer, self.lookup_id(), write=True)
        many = isinstance(request.data, list)
        serializer = (
            MeasurementListSerializer(data=request.data)
            if many
            else MeasurementSerializer(data=request.data)
        )
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data if many else [serializer.validated_data]
        recorded = services.measurements_record(
            viewer=self.viewer, kpi=kpi, items=items, recorded_by=request.user
        )
        data = MeasurementSerializer(recorded.measurements, many=True).data
        return Response(data if many else data[0], status=status.HTTP_200_OK)
