from django.urls import path

from oneworkforce.web.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:submission_id>/", views.submission_detail, name="detail"),
]
