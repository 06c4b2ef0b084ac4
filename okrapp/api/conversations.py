"""API v1: comments and notifications, with the pages' services and permissions
(checkins.conversation_services, checkins.permissions): a comment is exactly as visible as
its objective; mentions notify only those who may see it; notifications are the caller's own.
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from checkins import conversation_services, services
from checkins.models import COMMENT_LENGTH, CheckIn, Comment, Notification
from checkins.permissions import Thread, get_comment_for_user, get_thread_for_user
from objectives.models import KeyResult, Objective
from objectives.permissions import visible_objectives_q
from okrapp.api.base import (
    ApiViewMixin,
    BaseModelSerializer,
    IdFilter,
    StrictPrimaryKeyRelatedField,
    TextField,
    context_viewer,
)
from okrapp.core.models import User

# --- Comments ---------------------------------------------------------------------------------

TARGETS = ("objective", "key_result", "checkin")


class CommentSerializer(BaseModelSerializer):
    objective = StrictPrimaryKeyRelatedField(queryset=Objective.objects.all(), required=False)
    key_result = StrictPrimaryKeyRelatedField(queryset=KeyResult.objects.all(), required=False)
    checkin = StrictPrimaryKeyRelatedField(queryset=CheckIn.objects.all(), required=False)
    body = TextField(max_length=COMMENT_LENGTH)
    mentions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    unseen_mentions = serializers.SerializerMethodField(
        help_text="On a write: the people mentioned who may not see the comment, so were not "
        "notified (ids). Empty on a read."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "objective",
            "key_result",
            "checkin",
            "author",
            "body",
            "mentions",
            "unseen_mentions",
            "created_at",
            "edited_at",
        ]
        read_only_fields = ["author", "created_at", "edited_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        viewer = context_viewer(self)
        if viewer is not None:
            # What one may not see does not exist: the same "does not exist" as a wrong id.
            self.fields["objective"].queryset = Objective.objects.filter(
                visible_objectives_q(viewer)
            )
            self.fields["key_result"].queryset = KeyResult.objects.filter(
                visible_objectives_q(viewer, "objective__")
            )
            self.fields["checkin"].queryset = CheckIn.objects.filter(
                visible_objectives_q(viewer, "key_result__objective__")
            )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_unseen_mentions(self, comment: Comment) -> list[int]:
        return getattr(comment, "unseen_mention_ids", [])

    def validate(self, attrs: dict) -> dict:
        given = [name for name in TARGETS if attrs.get(name) is not None]
        if self.instance is not None:
            moved = [
                name for name in given if attrs[name].pk != getattr(self.instance, f"{name}_id")
            ]
            if moved:
                raise serializers.ValidationError(
                    {name: [_("A comment cannot move to something else.")] for name in moved}
                )
            return attrs
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Name exactly one of objective, key_result or checkin: what the "
                            "comment is about."
                        )
                    ]
                }
            )
        return attrs

    def thread(self) -> Thread:
        name = next(name for name in TARGETS if self.validated_data.get(name) is not None)
        kind = {"objective": "objective", "key_result": "key-result", "checkin": "check-in"}
        return get_thread_for_user(context_viewer(self), kind[name], self.validated_data[name].pk)


class CommentFilter(django_filters.FilterSet):
    objective = IdFilter(
        field_name="objective_id",
        help_text="Every comment on the objective, its key results and their check-ins.",
    )
    key_result = IdFilter(
        field_name="key_result_id", help_text="Comments on the key result and its check-ins."
    )
    checkin = IdFilter(field_name="checkin_id")
    author = IdFilter(field_name="author_id")

    class Meta:
        model = Comment
        fields = ["objective", "key_result", "checkin", "author"]


class CommentViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Comments on the objectives, key results and check-ins you can see, oldest first.
    POST comments on exactly one of them; `@email` mentions notify those who may see it
    (`unseen_mentions` lists the others). Only its author edits a comment; its author or an
    admin deletes it."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Comment.objects.none()
        return (
            Comment.objects.filter(visible_objectives_q(self.viewer, "objective__"))
            .prefetch_related(Prefetch("mentions", queryset=User.objects.only("id")))
            .order_by("created_at", "id")
        )

    def get_object(self) -> Comment:
        if self.request.method in {"PUT", "PATCH"}:
            return get_comment_for_user(self.viewer, self.lookup_id(), edit=True)
        if self.request.method == "DELETE":
            return get_comment_for_user(self.viewer, self.lookup_id(), delete=True)
        return super().get_object()

    def perform_create(self, serializer: CommentSerializer) -> None:
        written = conversation_services.comment_create(
            viewer=self.viewer, thread=serializer.thread(), body=serializer.validated_data["body"]
        )
        serializer.instance = _with_unseen(written)

    def perform_update(self, serializer: CommentSerializer) -> None:
        comment = serializer.instance
        written = conversation_services.comment_update(
            viewer=self.viewer,
            comment=comment,
            body=serializer.validated_data.get("body", comment.body),
        )
        serializer.instance = _with_unseen(written)

    def perform_destroy(self, instance: Comment) -> None:
        conversation_services.comment_delete(viewer=self.viewer, comment=instance)


def _with_unseen(written: conversation_services.Written) -> Comment:
    comment = Comment.objects.prefetch_related("mentions").get(pk=written.comment.pk)
    comment.unseen_mention_ids = [person.pk for person in written.unseen_mentions]
    return comment


# --- Notifications ----------------------------------------------------------------------------


class NotificationSerializer(BaseModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where it leads in the product (absolute).")
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_url(self, notification: Notification) -> str:
        return settings.SITE_URL + notification.url if notification.url else ""

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_unread",
        help_text="true: only those not read yet; false: only those read.",
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your own notifications, newest first (no one else's, admins included). Mark one read,
    or all of them."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=None,
        responses=NotificationSerializer,
        summary="Mark this notification read",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(response=ReadAllSerializer)},
        summary="Mark all your notifications read",
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        marked = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked}, status=status.HTTP_200_OK)
