from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<str:token>/", views.detail, name="detail"),
    path("<str:token>/status/", views.status, name="status"),
    path("<str:token>/download/", views.download, name="download"),
]
