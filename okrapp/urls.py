from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from okrapp.core import org_views, token_views, views
from okrapp.core.views import password_signin_only
from okrapp.dashboard import views as dashboard_views
from okrapp.demo import views as demo_views
from okrapp.operations import views as operations_views

org_urls = [
    path("people/", org_views.people, name="org_people"),
    path("people/new/", org_views.person_create, name="org_person_create"),
    path("people/<int:pk>/", org_views.person_detail, name="org_person"),
    path("people/<int:pk>/teams/", org_views.person_membership_add, name="org_membership_add"),
    path("people/<int:pk>/deactivate/", org_views.person_deactivate, name="org_deactivate"),
    path("people/<int:pk>/reactivate/", org_views.person_reactivate, name="org_reactivate"),
    path("people/<int:pk>/hand-over/", org_views.person_hand_over, name="org_hand_over"),
    path("people/<int:pk>/invite/", org_views.person_invite, name="org_invite"),
    path("memberships/<int:pk>/remove/", org_views.membership_remove, name="org_membership_remove"),
    path("invitations/", org_views.invitations, name="org_invitations"),
    path("invitations/<int:pk>/resend/", org_views.invitation_resend, name="org_invitation_resend"),
    path("invitations/<int:pk>/revoke/", org_views.invitation_revoke, name="org_invitation_revoke"),
    path("teams/", org_views.teams, name="org_teams"),
    path("teams/<int:pk>/", org_views.team_edit, name="org_team_edit"),
    path("teams/<int:pk>/branch/", org_views.team_branch, name="org_team_branch"),
    path("teams/<int:pk>/delete/", org_views.team_delete, name="org_team_delete"),
    path("import/", org_views.org_import, name="org_import"),
]

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
    path("attention/", dashboard_views.attention_list, name="attention"),
    path("report/", dashboard_views.report, name="report"),
    path("report/pdf/", dashboard_views.report_pdf, name="report_pdf"),
    path("report/files/<int:pk>/", dashboard_views.report_file, name="report_file"),
    path(
        "report/files/<int:pk>/download/",
        dashboard_views.report_file_download,
        name="report_file_download",
    ),
    path("pickers/<slug:source>/", views.picker_search, name="picker_search"),
    path("teams/<int:pk>/", dashboard_views.team_detail, name="team_detail"),
    path("teams/<int:pk>/children/", dashboard_views.team_children, name="team_children"),
    path("people/<int:pk>/", dashboard_views.person_detail, name="person_detail"),
    path("organisation/", include(org_urls)),
    path("invitations/<str:token>/", org_views.invitation_accept, name="invitation_accept"),
    path("cycles/<int:pk>/review/", dashboard_views.cycle_review, name="cycle_review"),
    path("okrs/", include("objectives.urls")),
    path("checkins/", include("checkins.urls")),
    path("kpis/", include("kpis.urls")),
    path("integrations/", include("okrapp.integrations.urls")),
    path("api/", include("okrapp.api.urls")),
    # DEBUG only (404 otherwise): the source of the demo's connected KPI.
    path("demo/analytics.json", demo_views.analytics, name="demo_analytics"),
    path("accounts/login/", views.signin, name="login"),
    path(
        "accounts/password_change/",
        password_signin_only(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        password_signin_only(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/",
        password_signin_only(views.password_reset),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        password_signin_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        password_signin_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        password_signin_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on: allauth's OpenID Connect login (POST; a GET leads to the sign-in page)
    # and callback only, under the names allauth reverses (okrapp/core/sso.py).
    path(
        "accounts/oidc/<str:provider_id>/login/",
        views.sso_login,
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc_views.callback,
        name="openid_connect_callback",
    ),
    path("admin/", admin.site.urls),
]
