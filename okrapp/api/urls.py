from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from okrapp.api.checkins import CheckInViewSet
from okrapp.api.conversations import CommentViewSet, NotificationViewSet
from okrapp.api.kpis import KPIViewSet
from okrapp.api.objectives import KeyResultViewSet, ObjectiveViewSet
from okrapp.api.organisation import (
    CycleViewSet,
    MembershipViewSet,
    MeView,
    OrgImportView,
    TeamViewSet,
    TokenViewSet,
    UserViewSet,
)
from okrapp.api.webhooks import WebhookViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("users", UserViewSet, basename="api-user")
router.register("teams", TeamViewSet, basename="api-team")
router.register("memberships", MembershipViewSet, basename="api-membership")
router.register("cycles", CycleViewSet, basename="api-cycle")
router.register("tokens", TokenViewSet, basename="api-token")
router.register("objectives", ObjectiveViewSet, basename="api-objective")
router.register("key-results", KeyResultViewSet, basename="api-key-result")
router.register("check-ins", CheckInViewSet, basename="api-check-in")
router.register("kpis", KPIViewSet, basename="api-kpi")
router.register("webhooks", WebhookViewSet, basename="api-webhook")
router.register("comments", CommentViewSet, basename="api-comment")
router.register("notifications", NotificationViewSet, basename="api-notification")

v1 = [
    path("me/", MeView.as_view(), name="api-me"),
    path("org-import/", OrgImportView.as_view(), name="api-org-import"),
    *router.urls,
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's initialiser as a script file: the CSP allows no
    # inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("v1/", include(v1)),
]
