from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .errors import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    # The split view: Swagger UI's start-up script is a file of its own, not inline (the CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html",
                                                      authentication_classes=[], permission_classes=[]), name="docs"),
    path("auth/token", views.SignInView.as_view(), name="token"),
    path("auth/wechat", views.WeChatSignInView.as_view(), name="wechat"),
    path("auth/wechat/bind", views.WeChatBindView.as_view(), name="wechat_bind"),
    path("auth/wechat/bind/confirm", views.WeChatBindConfirmView.as_view(), name="wechat_bind_confirm"),
    path("auth/refresh", views.RefreshView.as_view(), name="refresh"),
    path("auth/logout", views.SignOutView.as_view(), name="logout"),
    path("auth/devices", views.DeviceListView.as_view(), name="devices"),
    path("auth/devices/<int:pk>/revoke", views.DeviceRevokeView.as_view(), name="device_revoke"),
    path("me", views.MeView.as_view(), name="me"),
    path("notifications", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read", views.NotificationMarkReadView.as_view(), name="notifications_read"),
    path("notifications/<int:pk>/read", views.NotificationReadView.as_view(), name="notification_read"),
    path("items", views.ItemListView.as_view(), name="items"),
    path("items/<int:pk>", views.ItemDetailView.as_view(), name="item"),
    path("items/<int:pk>/actions/<str:action>", views.ItemActionView.as_view(), name="item_action"),
    path("attachments/<int:pk>", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("suggestions", views.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/<int:pk>", views.SuggestionDetailView.as_view(), name="suggestion"),
    path("suggestions/<int:pk>/actions/<str:action>", views.SuggestionActionView.as_view(), name="suggestion_action"),
    path("activities", views.ActivityListView.as_view(), name="activities"),
    path("activities/<int:pk>", views.ActivityDetailView.as_view(), name="activity"),
    path("activities/<int:pk>/actions/<str:action>", views.ActivityActionView.as_view(), name="activity_action"),
    re_path(r"^.*$", not_found),
]
