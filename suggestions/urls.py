from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    path("public/<str:token>/", views.public_session, name="public_session"),
]
