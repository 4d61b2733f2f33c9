from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/attendance/", views.attendance_record, name="attendance"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo"),
    path("<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("<int:pk>/problems/<int:problem_pk>/solve/", views.problem_solve, name="problem_solve"),
    path("<int:pk>/problems/<int:problem_pk>/to-item/", views.problem_to_item, name="problem_to_item"),
    path("<int:pk>/items/", views.link_item, name="link_item"),
]
