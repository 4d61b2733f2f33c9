from django.urls import path

from . import actions, drafting, views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", drafting.suggestion_new, name="new"),
    path("new/deputies/", drafting.deputy_search, name="deputy_search"),
    path("<int:pk>/edit/", drafting.suggestion_edit, name="edit"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", actions.suggestion_action, name="action"),
    path("replies/<int:pk>/pdf/", views.reply_pdf, name="reply_pdf"),
    path("sessions/<int:pk>/report/", views.session_report_view, name="report"),
    path("public/<str:token>/", views.public_session, name="public_session"),
]

from . import report_views  # noqa: E402

urlpatterns += [
    path("sessions/<int:pk>/report/print/", report_views.session_report_print, name="report_print"),
    path("sessions/<int:pk>/report/xlsx/", report_views.session_report_xlsx, name="report_xlsx"),
    path("export.xlsx", report_views.suggestion_list_xlsx, name="list_xlsx"),
]
