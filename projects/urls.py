from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/do/<slug:action>/", views.round_action, name="round_action"),
    path("rounds/<int:pk>/vote/", views.vote, name="vote"),
    path("rounds/<int:pk>/notice/", views.round_notice, name="notice"),
    path("rounds/<int:pk>/summary/", views.round_summary, name="summary"),
    path("list/", views.project_list, name="project_list"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/progress/", views.project_progress, name="progress"),
    path("<int:pk>/do/<slug:action>/", views.project_action, name="project_action"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/<int:pk>/do/<slug:action>/", views.issue_action, name="issue_action"),
    path("photos/<slug:kind>/<int:pk>/", views.photo, name="photo"),
    path("public/<str:token>/", views.public_round, name="public"),
    path("public/<str:token>/ideas/", views.public_summary, name="public_summary"),
    path("public/<str:token>/photos/<str:photo>/", views.public_photo, name="public_photo"),
]
