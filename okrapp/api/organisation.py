"""API v1, the organisation: me, people, teams, memberships, cycles and their score roll-up,
the org-chart import, and one's own personal access tokens (listed and revoked here; created on
the profile page, which shows the secret once).

People, teams and memberships are read by everyone signed in and written by admins only, for
an HR system's sync, through the same services as the organisation's pages. No password is
ever read or written here."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from objectives import rollup_services
from objectives.rollup import EMPTY
from objectives.scoring import two_decimals
from okrapp.api.base import ApiViewMixin, BaseModelSerializer, ScoreField, TextField
from okrapp.core import services
from okrapp.core.models import Cycle, Membership, PersonalAccessToken, Team, User
from okrapp.core.permissions import ensure_admin
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


class UserWriteSerializer(BaseModelSerializer):
    """What an HR system writes: never a password."""

    name = TextField(source="display_name", max_length=150)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        write_only=True,
        help_text="The primary team of a new person (default: the company).",
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "language", "is_active", "team"]
        read_only_fields = ["id"]
        extra_kwargs = {"email": {"validators": []}}

    def to_internal_value(self, data):
        # A password (or any field not listed) is refused, not silently dropped: nobody sets
        # someone else's password.
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field is not accepted.")] for name in unknown}
            )
        return super().to_internal_value(data)


class AdminUserSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "language", "is_active", "last_login"]


class TeamWriteSerializer(BaseModelSerializer):
    name = TextField(max_length=150)

    class Meta:
        model = Team
        fields = ["id", "name", "parent"]
        read_only_fields = ["id"]
        validators = []


class MembershipDetailSerializer(BaseModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "team", "role", "is_primary"]
        validators = []


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
    start = serializers.DateField(source="start_date", read_only=True)
    end = serializers.DateField(source="end_date", read_only=True)

    class Meta:
        model = Cycle
        fields = ["id", "name", "start", "end", "status"]


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


class AdminWritesMixin:
    """Everyone signed in reads; only admins write (403 otherwise)."""

    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.is_write():
            ensure_admin(self.viewer)


class UserViewSet(AdminWritesMixin, ApiViewMixin, viewsets.ModelViewSet):
    """The organisation's people: active ones for everyone, deactivated ones too for admins.
    Admins create (with a primary team, default the company), update (`is_active: false`
    deactivates, `true` reactivates) and DELETE (deactivates: history is kept)."""

    filterset_class = UserFilter
    ordering_fields = ["id", "display_name", "email"]

    def get_queryset(self):
        people = User.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.order_by("id"))
        ).order_by("display_name", "id")
        if self.is_schema_generation or not self.viewer.is_admin:
            return people.filter(is_active=True)
        return people

    def get_serializer_class(self):
        if self.is_write():
            return UserWriteSerializer
        if not self.is_schema_generation and self.viewer.is_admin:
            return AdminUserSerializer
        return UserSerializer

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.person_create(
            viewer=self.viewer,
            email=data["email"],
            display_name=data["display_name"],
            language=data.get("language", ""),
            team=data.get("team") or Team.company(),
        )
        if data.get("is_active") is False:
            services.person_deactivate(viewer=self.viewer, person=serializer.instance)

    def perform_update(self, serializer) -> None:
        person, data = serializer.instance, serializer.validated_data
        services.person_update(
            viewer=self.viewer,
            person=person,
            email=data.get("email", person.email),
            display_name=data.get("display_name", person.display_name),
            language=data.get("language", person.language),
            is_staff=person.is_staff,
        )
        if data.get("is_active") is False and person.is_active:
            services.person_deactivate(viewer=self.viewer, person=person)
        elif data.get("is_active") is True and not person.is_active:
            services.person_reactivate(viewer=self.viewer, person=person)

    def perform_destroy(self, instance: User) -> None:
        services.person_deactivate(viewer=self.viewer, person=instance)


class MembershipViewSet(AdminWritesMixin, ApiViewMixin, viewsets.ModelViewSet):
    """Who belongs to which team, with which role; one primary team per person. Admins
    create, change the role or primary team, and delete (not the primary membership)."""

    serializer_class = MembershipDetailSerializer
    filterset_fields = ["user", "team", "role"]
    ordering_fields = ["id"]
    queryset = Membership.objects.filter(user__is_active=True).order_by("id")

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.membership_set(
            viewer=self.viewer,
            person=data["user"],
            team=data["team"],
            role=data.get("role", Membership.Role.MEMBER),
            is_primary=data.get("is_primary", False),
        )

    def perform_update(self, serializer) -> None:
        membership, data = serializer.instance, serializer.validated_data
        if (
            data.get("user", membership.user) != membership.user
            or data.get("team", membership.team) != membership.team
        ):
            raise serializers.ValidationError(
                {"team": [_("Delete this membership and create another to change team.")]}
            )
        serializer.instance = services.membership_set(
            viewer=self.viewer,
            person=membership.user,
            team=membership.team,
            role=data.get("role", membership.role),
            is_primary=data.get("is_primary", membership.is_primary),
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(viewer=self.viewer, membership=instance)


class TeamViewSet(AdminWritesMixin, ApiViewMixin, viewsets.ModelViewSet):
    """The organisation tree; the team without a parent is the company. Admins create,
    rename, move (`parent`; a team under itself is refused) and delete an empty team."""

    queryset = Team.objects.order_by("path")

    def get_serializer_class(self):
        return TeamWriteSerializer if self.is_write() else TeamSerializer

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.team_create(
            viewer=self.viewer, name=data["name"], parent=data.get("parent") or Team.company()
        )

    def perform_update(self, serializer) -> None:
        team, data = serializer.instance, serializer.validated_data
        services.team_update(
            viewer=self.viewer,
            team=team,
            name=data.get("name", team.name),
            parent=data.get("parent", team.parent),
        )

    def perform_destroy(self, instance: Team) -> None:
        services.team_delete(viewer=self.viewer, team=instance)

    filterset_fields = ["parent"]
    ordering_fields = ["id", "name", "path"]


class CycleViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.order_by("-start_date")
    filterset_fields = ["status"]
    ordering_fields = ["id", "name", "start_date", "end_date"]

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


class CSVParser(parsers.BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read()


OrgImportResultSerializer = inline_serializer(
    name="OrgImportResult",
    fields={
        "written": serializers.BooleanField(),
        "created": serializers.ListField(child=serializers.EmailField()),
        "changed": serializers.ListField(child=serializers.DictField()),
        "unchanged": serializers.ListField(child=serializers.EmailField()),
        "new_teams": serializers.ListField(child=serializers.DictField()),
        "moved_teams": serializers.ListField(child=serializers.DictField()),
        "deactivated": serializers.ListField(child=serializers.EmailField()),
        "invited": serializers.ListField(child=serializers.EmailField()),
        "errors": serializers.ListField(child=serializers.DictField()),
    },
)


class OrgImportView(ApiViewMixin, APIView):
    """The org chart as CSV (the import page's format), as the body with `Content-Type:
    text/csv` or as the multipart field `file`. Every row or none; the same file twice
    changes nothing. `?dry_run=true` answers the preview and writes nothing; a file with
    errors answers 400 with each error's line; `?deactivate_missing=true` deactivates the
    active people absent from the file; `?invite=true` invites the people created."""

    parser_classes = [CSVParser, parsers.MultiPartParser]

    @extend_schema(
        request={"text/csv": {"type": "string"}, "multipart/form-data": {"type": "object"}},
        responses={200: OrgImportResultSerializer, 400: OrgImportResultSerializer},
        parameters=[
            OpenApiParameter("dry_run", bool),
            OpenApiParameter("deactivate_missing", bool),
            OpenApiParameter("invite", bool),
        ],
        summary="Import the org chart (admins)",
    )
    def post(self, request):
        ensure_admin(self.viewer)
        data = request.data
        if not isinstance(data, bytes):
            upload = data.get("file")
            if upload is None:
                raise serializers.ValidationError({"file": [_("Send the CSV file.")]})
            data = upload.read()
        flag = {"true", "1", "yes"}
        result = services.org_import(
            viewer=self.viewer,
            data=data,
            dry_run=request.query_params.get("dry_run", "").lower() in flag,
            deactivate_missing=request.query_params.get("deactivate_missing", "").lower() in flag,
            invite=request.query_params.get("invite", "").lower() in flag,
        )
        code = status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)
