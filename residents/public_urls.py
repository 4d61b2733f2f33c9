"""The resident's pages, without a login: /q/<code token>/ and /q/s/<status token>/ (opaque tokens only)."""

from django.urls import path

from . import views

app_name = "residents_public"

urlpatterns = [
    path("s/<str:token>/", views.status, name="status"),
    path("s/<str:token>/verify/", views.verify, name="verify"),
    path("s/<str:token>/resend/", views.resend, name="resend"),
    path("s/<str:token>/rate/", views.rate, name="rate"),
    path("s/<str:token>/photo/<str:photo>/", views.public_photo, name="photo"),
    path("<str:token>/", views.intake, name="intake"),
]
