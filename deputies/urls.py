from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.xlsx", views.roster_export, name="export"),
    path("new/", views.deputy_create, name="create"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
    path("<int:pk>/mandates/new/", views.mandate_edit, name="mandate_create"),
    path("<int:pk>/mandates/<int:mandate_pk>/edit/", views.mandate_edit, name="mandate_edit"),
    path("homes/", views.home_list, name="homes"),
    path("homes/new/", views.home_edit, name="home_create"),
    path("homes/<int:pk>/edit/", views.home_edit, name="home_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
]
