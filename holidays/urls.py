from django.urls import path

from . import views

app_name = "holidays"

urlpatterns = [
    path("", views.year_list, name="years"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/add/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
]
