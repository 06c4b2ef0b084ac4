from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from okrapp import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("language/", views.switch_language, name="switch_language"),
    path("profile/", views.profile, name="profile"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("okrs/", include("objectives.urls")),
    path("checkins/", include("checkins.urls")),
    path("kpis/", include("kpis.urls")),
    path("api/", include("okrapp.api_urls")),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
