from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.item_list, {"box": "all"}, name="list"),
    path("mine/", views.item_list, {"box": "mine"}, name="mine"),
    path("evaluate/", views.item_list, {"box": "evaluate"}, name="evaluate"),
    path("research/", views.item_list, {"box": "research"}, name="research"),
    path("review/", views.item_list, {"box": "review"}, name="review"),
    path("requests/", views.item_list, {"box": "requests"}, name="requests"),
    path("overdue/", views.item_list, {"box": "overdue"}, name="overdue"),
    path("todo/", views.item_list, {"box": "todo"}, name="todo"),
    path("due-soon/", views.item_list, {"box": "due_soon"}, name="due_soon"),
    path("new/", views.item_create, name="create"),
    path("new/deputies/", views.deputy_search, name="deputy_search"),
    path("new/filer/", views.filer_search, name="filer_search"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("settings/", views.item_settings, name="settings"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/print/", views.item_print, name="print"),
    path("<int:pk>/do/<slug:action>/", views.item_action, name="action"),
]
