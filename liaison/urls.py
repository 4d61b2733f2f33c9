from django.urls import path

from . import views

app_name = "liaison"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("links/<int:pk>/contact/", views.contact_create, name="contact_create"),
    path("opinions/<int:pk>/convert/", views.opinion_convert, name="convert"),
    path("register/", views.register, name="register"),
    path("links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/end/", views.link_end, name="link_end"),
    path("figures/", views.figures, name="figures"),
]
