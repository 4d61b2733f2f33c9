from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("export/", views.report_export, name="export"),
    path("figures/", views.figures, name="figures"),
    path("blocked/", views.blocked_list, name="blocked"),
    path("blocked/<int:pk>/remove/", views.blocked_remove, name="blocked_remove"),
    path("photos/<int:pk>/", views.report_photo, name="photo"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", views.report_action, name="action"),
    path("<int:pk>/block/", views.report_block, name="block"),
    path("codes/", views.code_list, name="codes"),
    path("codes/issue/", views.code_issue, name="code_issue"),
    path("codes/print/", views.code_print_all, name="code_print_all"),
    path("codes/<int:pk>/revoke/", views.code_revoke, name="code_revoke"),
    path("codes/<int:pk>/reissue/", views.code_reissue, name="code_reissue"),
    path("codes/<int:pk>/poster/", views.code_poster, name="code_poster"),
]
