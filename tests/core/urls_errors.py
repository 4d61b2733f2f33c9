"""A URL conf for the error-page tests: the real one plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from xiangshan.urls import handler403, handler404, handler500  # noqa: F401
from xiangshan.urls import urlpatterns as real


def boom(request):
    raise RuntimeError("on purpose")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *real]
