from django.urls import path

from objectives import views

app_name = "objectives"

urlpatterns = [
    path("", views.board, name="board"),
]
