from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("compute/", views.compute, name="compute"),
    path("rules/", views.rules, name="rules"),
    path("rules/defaults/", views.rules_defaults, name="rules_defaults"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("grades/new/", views.grade_edit, name="grade_create"),
    path("grades/<int:pk>/", views.grade_edit, name="grade_edit"),
    path("grades/<int:pk>/delete/", views.grade_delete, name="grade_delete"),
    path("supervision/", views.supervision, name="supervision"),
    path("records/", views.records_batch, name="records_batch"),
    path("records/<int:deputy_pk>/", views.record, name="record"),
    path("records/<int:deputy_pk>/print/", views.record_print, name="record_print"),
    path("records/<int:deputy_pk>/xlsx/", views.record_xlsx, name="record_xlsx"),
    path("<int:year>/", views.detail, name="detail"),
    path("<int:year>/settings/", views.update_settings, name="settings"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/notice/", views.notice, name="notice"),
    path("<int:year>/notice.xlsx", views.notice_xlsx, name="notice_xlsx"),
    path("<int:year>/scores/<int:pk>/", views.score_detail, name="score"),
    path("<int:year>/scores/<int:pk>/adjust/", views.score_adjust, name="adjust"),
    path("<int:year>/scores/<int:pk>/parts/<int:part_pk>/", views.part_detail, name="part"),
]
