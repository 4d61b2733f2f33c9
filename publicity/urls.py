from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("", views.piece_list, name="list"),
    path("new/", views.piece_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.piece_detail, name="detail"),
    path("<int:pk>/edit/", views.piece_edit, name="edit"),
    path("<int:pk>/delete/", views.piece_delete, name="delete"),
    path("<int:pk>/file/", views.piece_file, name="file"),
]
