from django.urls import path

from checkins import conversation_views, views

app_name = "checkins"

urlpatterns = [
    path("", views.my_week, name="my_week"),
    path("team/", views.team_week, name="team_week"),
    path("key-results/<int:pk>/", views.key_result_detail, name="key_result"),
    path("key-results/<int:pk>/check-in/", views.checkin_create, name="checkin_create"),
    path("check-ins/<int:pk>/edit/", views.checkin_edit, name="checkin_edit"),
    path("check-ins/<int:pk>/delete/", views.checkin_delete, name="checkin_delete"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path(
        "notifications/settings/",
        conversation_views.notification_preferences,
        name="notification_preferences",
    ),
    path("comments/<str:kind>/<int:pk>/", conversation_views.thread, name="thread"),
    path("comment/<int:pk>/edit/", conversation_views.comment_edit, name="comment_edit"),
    path("comment/<int:pk>/delete/", conversation_views.comment_delete, name="comment_delete"),
    path(
        "reactions/<str:kind>/<int:pk>/",
        conversation_views.reaction_toggle,
        name="reaction_toggle",
    ),
    path("team/nudge/<int:pk>/", conversation_views.nudge, name="nudge"),
]
