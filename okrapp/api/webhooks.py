"""API v1, webhooks (admins only): endpoints, listed, registered, changed and deleted, and
each one's delivery log. An endpoint's signing secret is answered once, in the response that
registers it, and never again (it is stored encrypted). The same services and permissions as
the webhooks' pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from okrapp.api.base import ApiSchema, ApiViewMixin, BaseModelSerializer, TextField
from okrapp.integrations import permissions, services
from okrapp.integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookSerializer(BaseModelSerializer):
    name = TextField(max_length=100)
    url = TextField(
        max_length=500, help_text="https:// (http:// only where private networks are allowed)."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.choices),
    )
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "name",
            "url",
            "events",
            "is_active",
            "failing_since",
            "disabled_at",
            "created_at",
        ]
        read_only_fields = ["id", "failing_since", "disabled_at", "created_at"]

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field is not accepted."] for name in unknown}
            )
        return super().to_internal_value(data)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret: answered once, here, never again."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(BaseModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "response_code",
            "duration_ms",
            "error",
            "created_at",
            "sent_at",
            "next_attempt_at",
        ]
        read_only_fields = fields


class AdminOnlySchema(ApiSchema):
    """Every operation answers 403 to someone who is not an administrator, reads included."""

    def _error_codes(self) -> list[str]:
        codes = super()._error_codes()
        return codes if "403" in codes else [*codes[:-1], "403", codes[-1]]


class WebhookViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Outgoing webhooks (administrators only). Each event is POSTed as JSON
    `{"id", "timestamp", "event", "data"}` with the header `X-OKR-Signature: sha256=<hex>`,
    the HMAC-SHA256 of the raw body keyed by the endpoint's secret."""

    schema = AdminOnlySchema()
    serializer_class = WebhookSerializer
    filterset_fields = []
    ordering_fields = ["id", "name", "created_at"]

    def get_queryset(self):
        if self.is_schema_generation:
            return WebhookEndpoint.objects.none()
        permissions.ensure_may_manage_webhooks(self.viewer)
        return WebhookEndpoint.objects.order_by("name", "id")

    @extend_schema(responses={201: WebhookCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {key: serializer.validated_data[key] for key in ("name", "url", "events")}
        endpoint, secret = services.endpoint_create(viewer=self.viewer, **data)
        if serializer.validated_data.get("is_active") is False:
            services.endpoint_update(viewer=self.viewer, endpoint=endpoint, is_active=False)
        endpoint.secret = secret
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: WebhookSerializer) -> None:
        serializer.instance = services.endpoint_update(
            viewer=self.viewer, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(viewer=self.viewer, endpoint=instance)

    @extend_schema(responses={200: DeliverySerializer(many=True)}, summary="The delivery log")
    @action(detail=True, methods=["get"], filterset_fields=[], ordering_fields=[])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        page = self.paginate_queryset(
            WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
        )
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
