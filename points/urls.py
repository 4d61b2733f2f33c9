from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("compute/", views.compute, name="compute"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/deputies/<int:deputy_id>/", views.breakdown, name="breakdown"),
    path("<int:pk>/correct/", views.correction_new, name="correction_new"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/do/<slug:action>/", views.claim_action, name="claim_action"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction"),
    path("corrections/<int:pk>/do/<slug:action>/", views.correction_action, name="correction_action"),
    path("files/<int:pk>/", views.evidence, name="evidence"),
]
