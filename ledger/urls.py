from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.import_page, name="import"),
    path("dry-run/", views.dry_run, name="dry_run"),
    path("confirm/", views.confirm, name="confirm"),
    path("dry-run/<str:token>/", views.job_report, name="job_report"),
]
