"""API v1, the organisation: me, people, teams, cycles and their score roll-up, and one's own
personal access tokens (listed and revoked here; created on the profile page, which shows
the secret once)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from objectives import cycle_services, rollup_services
from objectives.rollup import EMPTY
from objectives.scoring import two_decimals
from okrapp.api.base import ApiViewMixin, BaseModelSerializer, ScoreField
from okrapp.core.models import Cycle, Membership, PersonalAccessToken, Team, User
from okrapp.core.services import token_revoke

# --- Serializers ------------------------------------------------------------------------------


class MembershipSerializer(BaseModelSerializer):
    class Meta:
        model = Membership
        fields = ["team", "role", "is_primary"]


class UserSerializer(BaseModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    teams = MembershipSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "email", "teams"]


class MeSerializer(UserSerializer):
    is_admin = serializers.BooleanField(source="is_org_admin", read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "language", "is_admin"]


class TeamSerializer(BaseModelSerializer):
    is_company = serializers.BooleanField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "parent", "depth", "is_company"]


class CycleSerializer(BaseModelSerializer):
    """Admins create cycles (always in planning) and change them; `status` moves only
    forward, one step at a time (planning → active → grading → closed)."""

    start = serializers.DateField(source="start_date")
    end = serializers.DateField(source="end_date")
    status = serializers.ChoiceField(choices=Cycle.Status.choices, required=False)
    grading_opened_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Cycle
        fields = ["id", "name", "start", "end", "status", "grading_opened_on"]


class TokenSerializer(BaseModelSerializer):
    class Meta:
        model = PersonalAccessToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


def _node_schema(component: str, *, many: bool = False, **fields) -> serializers.Serializer:
    return inline_serializer(name=component, fields=fields, many=many, allow_null=not many)


def _team_score_fields() -> dict:
    return {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "own_score": ScoreField(),
        "rolled_up_score": ScoreField(),
        "scored_objectives": serializers.IntegerField(),
    }


CycleScoresSerializer = inline_serializer(
    name="CycleScores",
    fields={
        "cycle": serializers.IntegerField(),
        "company": _node_schema("CompanyScore", **_team_score_fields()),
        "teams": _node_schema(
            "TeamScore",
            many=True,
            parent=serializers.IntegerField(allow_null=True),
            **_team_score_fields(),
        ),
        "people": _node_schema(
            "PersonScore",
            many=True,
            id=serializers.IntegerField(),
            name=serializers.CharField(),
            score=ScoreField(),
            scored_objectives=serializers.IntegerField(),
        ),
    },
)


# --- Views ------------------------------------------------------------------------------------


class MeView(ApiViewMixin, APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in person")
    def get(self, request):
        user = User.objects.prefetch_related("memberships").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class UserFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.all(), field_name="memberships__team", distinct=True
    )

    class Meta:
        model = User
        fields = ["team"]


class UserViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The organisation's active people."""

    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["id", "display_name", "email"]
    queryset = (
        User.objects.filter(is_active=True)
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.order_by("id")))
        .order_by("display_name", "id")
    )


class TeamViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The organisation tree; the team without a parent is the company."""

    serializer_class = TeamSerializer
    queryset = Team.objects.order_by("path")
    filterset_fields = ["parent"]
    ordering_fields = ["id", "name", "path"]


CYCLE_ERROR_FIELDS = {"start_date": "start", "end_date": "end"}


def _cycle_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """The service's errors under the API's field names (start, end)."""
    detail = {
        CYCLE_ERROR_FIELDS.get(field, field): messages
        for field, messages in error.message_dict.items()
    }
    return serializers.ValidationError(detail)


class CycleViewSet(
    ApiViewMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.order_by("-start_date")
    filterset_fields = ["status"]
    ordering_fields = ["id", "name", "start_date", "end_date"]

    def perform_create(self, serializer: CycleSerializer) -> None:
        cycle_services.ensure_may_manage(self.viewer)
        data = dict(serializer.validated_data)
        data.pop("status", None)
        try:
            serializer.instance = cycle_services.cycle_create(viewer=self.viewer, **data)
        except DjangoValidationError as error:
            raise _cycle_errors(error) from error

    def perform_update(self, serializer: CycleSerializer) -> None:
        # Refused even when nothing would change: a PUT of the same values is still a write.
        cycle_services.ensure_may_manage(self.viewer)
        data = dict(serializer.validated_data)
        cycle = serializer.instance
        target = data.pop("status", cycle.status)
        try:
            # A PUT repeats the unchanged fields: only a real change goes to the service.
            if any(getattr(cycle, name) != value for name, value in data.items()):
                cycle = cycle_services.cycle_update(viewer=self.viewer, cycle=cycle, **data)
            if target != cycle.status:
                cycle = cycle_services.cycle_move(viewer=self.viewer, cycle=cycle, target=target)
        except DjangoValidationError as error:
            raise _cycle_errors(error) from error
        serializer.instance = Cycle.objects.get(pk=cycle.pk)

    @extend_schema(responses=CycleScoresSerializer, summary="The cycle's score roll-up")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scores(self, request, pk=None):
        """The company, each team (its own objectives, and rolled up over its subtree) and each
        person (individual objectives), from the stored scores: scores 0–100, null when
        nothing is scored."""
        cycle = self.get_object()
        return Response(cycle_scores(cycle))


def cycle_scores(cycle: Cycle) -> dict:
    board = rollup_services.cycle_scoreboard(cycle.pk)

    def node(team: Team) -> dict:
        score = board.scores[team.pk]
        return {
            "id": team.pk,
            "name": team.name,
            "own_score": two_decimals(score.own_score),
            "rolled_up_score": two_decimals(score.rolled_up_score),
            "scored_objectives": score.subtree.count,
        }

    company = next((team for team in board.teams if team.parent_id is None), None)
    teams = [team for team in board.teams if team != company]
    people = [(user, board.tallies.get(user.pk, EMPTY)) for user in board.people]
    return {
        "cycle": cycle.pk,
        "company": node(company) if company else None,
        "teams": [{**node(team), "parent": team.parent_id} for team in teams],
        "people": [
            {
                "id": user.pk,
                "name": user.display_name,
                "score": two_decimals(tally.mean),
                "scored_objectives": tally.count,
            }
            for user, tally in people
        ],
    }


class TokenViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own personal access tokens. Create them on your profile page, where the secret is
    shown once; DELETE revokes one (a revoked token answers 401)."""

    serializer_class = TokenSerializer
    filterset_fields = []
    ordering_fields = ["created_at", "last_used_at", "name"]

    def get_queryset(self):
        if self.is_schema_generation:
            return PersonalAccessToken.objects.none()
        return PersonalAccessToken.objects.filter(user=self.request.user).order_by("-created_at")

    def perform_destroy(self, instance: PersonalAccessToken) -> None:
        token_revoke(token=instance)
