from django.urls import path

from checkins import views

app_name = "checkins"

urlpatterns = [
    path("", views.my_week, name="my_week"),
    path("notifications/", views.notifications, name="notifications"),
]
