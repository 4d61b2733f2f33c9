from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_mark_read, name="mark_read"),
    path("settings/", views.preferences, name="preferences"),
    path("deliveries/", views.monitor, name="monitor"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
