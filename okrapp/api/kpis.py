"""API v1: KPIs and their measurements. The rules are kpis.permissions and kpis.health, the
reads kpis.selectors, the writes kpis.services — recording measurements here goes through
the same service as the KPI page and the CSV import, so it feeds linked key results exactly
as they do (the bridge)."""

from __future__ import annotations

import datetime
from functools import cached_property

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kpis import connectors, health, permissions, selectors, services, sync_services
from kpis.models import KPI, KPISync, Measurement
from okrapp.api.base import (
    ApiViewMixin,
    BaseModelSerializer,
    NumberField,
    StrictPrimaryKeyRelatedField,
)
from okrapp.core.models import Team, User

MAX_MEASUREMENTS_PER_REQUEST = 1000


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "The connector's settings: url, header_name, header_value (write-only), "
        "value_path, date_path (http_json); url, header_name, header_value (write-only), "
        "date_column, value_column (csv_url); database_url (write-only), query (sql). A "
        "write-only setting left out keeps its saved value.",
    }
)
class SourceConfigField(serializers.Field):
    """Settings in, settings out: the secret (a header value, a database URL) is never read
    back — it is stored apart, encrypted, and `source_secret_set` tells whether there is one."""

    def to_internal_value(self, data):
        if not isinstance(data, dict) or not all(
            isinstance(key, str) and isinstance(value, str | type(None))
            for key, value in data.items()
        ):
            raise serializers.ValidationError(_("An object of text settings is expected."))
        return {key: value or "" for key, value in data.items()}

    def to_representation(self, value):
        secret_keys = set(connectors.SECRET_KEYS.values())
        return {key: text for key, text in (value or {}).items() if key not in secret_keys}


class SyncSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = KPISync
        fields = [
            "id",
            "trigger",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "error",
        ]
        read_only_fields = fields

    def get_duration_seconds(self, sync: KPISync) -> float | None:
        return sync.duration.total_seconds() if sync.duration is not None else None


class KPISerializer(BaseModelSerializer):
    team = StrictPrimaryKeyRelatedField(queryset=Team.objects.all())
    owner = StrictPrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    status = serializers.SerializerMethodField()
    latest_value = NumberField(max_digits=20, decimal_places=4, read_only=True, allow_null=True)
    latest_date = serializers.DateField(read_only=True, allow_null=True)
    source_config = SourceConfigField(required=False)
    source_secret_set = serializers.SerializerMethodField()

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
            "source_kind",
            "source_config",
            "source_secret_set",
            "status",
            "latest_value",
            "latest_date",
        ]

    def get_source_secret_set(self, kpi: KPI) -> bool:
        return bool(kpi.source_secret)

    @cached_property
    def today(self) -> datetime.date:
        # A list's rows share one serializer: the day is read once, not once a row.
        return timezone.localdate()

    @extend_schema_field(serializers.ChoiceField(choices=health.STATUSES))
    def get_status(self, kpi: KPI) -> str:
        return selectors.latest_status(kpi, self.today)


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
        request=None,
        responses={202: SyncSerializer},
        summary="Sync the KPI from its connector now",
        description="Queues a sync (or answers the one already queued or running) for the "
        "KPI's owner, its team's leads and admins; 400 for a KPI typed by hand.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def sync(self, request, pk=None):
        kpi = self.get_object()
        sync = sync_services.kpi_sync_request(viewer=self.viewer, kpi=kpi)
        return Response(SyncSerializer(sync).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses=SyncSerializer(many=True),
        summary="The KPI's syncs, newest first",
        description="When each sync ran, how long it took, the rows added and changed, or "
        "the error in plain language. Paginated.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def syncs(self, request, pk=None):
        kpi = self.get_object()
        page = self.paginate_queryset(selectors.kpi_syncs(kpi))
        return self.get_paginated_response(SyncSerializer(page, many=True).data)

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
