"""Open311 GeoReport v2 at /open311/v2/ (format suffix .json; .xml answered with a clear 400)."""

from django.urls import re_path

from . import views

app_name = "open311"

urlpatterns = [
    re_path(r"^v2/services\.(?P<fmt>[^/.]+)$", views.service_list, name="services"),
    re_path(r"^v2/requests\.(?P<fmt>[^/.]+)$", views.request_list, name="requests"),
    re_path(r"^v2/requests/(?P<token>[^/]+)\.(?P<fmt>[^/.]+)$", views.request_detail, name="request"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
