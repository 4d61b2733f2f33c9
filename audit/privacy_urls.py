from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_inventory, name="inventory"),
    path("reveal/<str:key>/<int:pk>/", views.personal_data_reveal, name="reveal"),
]
