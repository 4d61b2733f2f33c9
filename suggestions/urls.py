from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("sessions/<int:pk>/report/", views.session_report_view, name="report"),
    path("public/<str:token>/", views.public_session, name="public_session"),
]

from . import report_views  # noqa: E402

urlpatterns += [
    path("sessions/<int:pk>/report/print/", report_views.session_report_print, name="report_print"),
    path("sessions/<int:pk>/report/xlsx/", report_views.session_report_xlsx, name="report_xlsx"),
    path("export.xlsx", report_views.suggestion_list_xlsx, name="list_xlsx"),
]
