from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("deputies/", include("deputies.urls")),
    path("groups/", include("groups.urls")),
    path("items/", include("petitions.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("ledger/", include("ledger.urls")),
    path("activities/", include("activities.urls")),
    path("assessments/", include("assessments.urls")),
    path("holidays/", include("holidays.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("residents/", include("residents.urls")),
    path("q/", include("residents.public_urls")),
    path("projects/", include("projects.urls")),
    path("points/", include("points.urls")),
    path("publicity/", include("publicity.urls")),
    path("liaison/", include("liaison.urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("audit.privacy_urls")),
    path("jobs/", include("jobs.urls")),
    # The admin's own login would skip the second factor: everyone signs in through accounts' login.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("api/v1/", include("api.urls")),
    path("open311/", include("open311.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
