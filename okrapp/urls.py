from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from okrapp.core import token_views, views
from okrapp.dashboard import views as dashboard_views
from okrapp.operations import views as operations_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("metrics", operations_views.metrics, name="metrics"),
    path("language/", views.switch_language, name="switch_language"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", token_views.profile_token_create, name="profile_token_create"),
    path(
        "profile/tokens/<int:pk>/revoke/",
        token_views.profile_token_revoke,
        name="profile_token_revoke",
    ),
    path("teams/<int:pk>/", dashboard_views.team_detail, name="team_detail"),
    path("teams/<int:pk>/children/", dashboard_views.team_children, name="team_children"),
    path("people/<int:pk>/", dashboard_views.person_detail, name="person_detail"),
    path("okrs/", include("objectives.urls")),
    path("checkins/", include("checkins.urls")),
    path("kpis/", include("kpis.urls")),
    path("api/", include("okrapp.api.urls")),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
