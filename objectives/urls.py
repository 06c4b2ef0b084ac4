from django.urls import path

from objectives import alignment_views, cycle_views, views

app_name = "objectives"

urlpatterns = [
    path("", views.board, name="board"),
    path("alignment/", alignment_views.alignment, name="alignment"),
    path(
        "alignment/<int:pk>/branch/",
        alignment_views.alignment_branch,
        name="alignment_branch",
    ),
    path("new/", views.objective_create, name="create"),
    path("coach/", views.coach, name="coach"),
    path("key-result-row/", views.key_result_row, name="key_result_row"),
    path("<int:pk>/", views.objective_detail, name="detail"),
    path("<int:pk>/edit/", views.objective_edit, name="edit"),
    path("<int:pk>/delete/", views.objective_delete, name="delete"),
    path("<int:pk>/grade/", cycle_views.objective_grade, name="grade"),
    path("<int:pk>/carry-over/", cycle_views.objective_carry_over, name="carry_over"),
    path(
        "<int:pk>/carry-over/modify/",
        views.objective_carry_over_modify,
        name="carry_over_modify",
    ),
    path("cycles/", cycle_views.cycle_list, name="cycles"),
    path("cycles/new/", cycle_views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/edit/", cycle_views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/move/<str:target>/", cycle_views.cycle_move, name="cycle_move"),
    path("cycles/<int:pk>/grading/", cycle_views.grading, name="grading"),
    path("<int:pk>/restore/", views.objective_restore, name="restore"),
    path(
        "key-results/<int:pk>/initiatives/",
        views.initiative_create,
        name="initiative_create",
    ),
    path("initiatives/<int:pk>/status/", views.initiative_status, name="initiative_status"),
    path("initiatives/<int:pk>/delete/", views.initiative_delete, name="initiative_delete"),
]
