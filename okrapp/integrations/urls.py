from django.urls import path

from okrapp.integrations import views

app_name = "integrations"

urlpatterns = [
    path("teams/<int:pk>/channels/", views.team_channels, name="team_channels"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
