from django.urls import path

from oneworkforce.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.packs, name="packs"),
    path("public/", views.public_packs, name="public_packs"),
    path("create/", views.create, name="create"),
    path("<uuid:pack_id>/", views.detail, name="detail"),
    path("<uuid:pack_id>/download.<str:fmt>", views.download, name="download"),
]
