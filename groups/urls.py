from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_index, name="list"),
    path("mine/", views.my_group, name="mine"),
    path("new/", views.group_edit, name="create"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/edit/", views.group_edit, name="edit"),
    path("<int:pk>/members/", views.member_set, name="member_set"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
]
