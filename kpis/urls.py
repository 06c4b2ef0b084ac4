from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.csv", views.board_export, name="board_export"),
    path("new/", views.kpi_create, name="create"),
    path("from-key-result/<int:key_result_pk>/", views.from_key_result, name="from_key_result"),
    path("<int:pk>/", views.kpi_detail, name="detail"),
    path("<int:pk>/edit/", views.kpi_edit, name="edit"),
    path("<int:pk>/delete/", views.kpi_delete, name="delete"),
    path("<int:pk>/measurements/", views.measurement_add, name="measurement_add"),
    path(
        "<int:pk>/measurements/<int:measurement_pk>/edit/",
        views.measurement_edit,
        name="measurement_edit",
    ),
    path(
        "<int:pk>/measurements/<int:measurement_pk>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
    path("<int:pk>/sync/", views.kpi_sync, name="sync"),
    path("<int:pk>/syncs/", views.kpi_syncs, name="syncs"),
    path("<int:pk>/import/", views.kpi_import, name="import"),
    path("<int:pk>/import/confirm/", views.kpi_import_confirm, name="import_confirm"),
    path("<int:pk>/export.csv", views.kpi_export, name="export"),
    path("<int:pk>/key-result/", views.kpi_to_key_result, name="to_key_result"),
]
