from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("print/", views.print_view, name="print"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
    path("deputies/", views.deputy_picker, name="deputy_picker"),
    path("period/", views.period_controls, name="period_controls"),
    path("items/", views.items, name="items"),
    path("items.xlsx", views.items_export, name="items_export"),
    path("submissions/", views.submissions, name="submissions"),
]
