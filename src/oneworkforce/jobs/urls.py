from django.urls import path

from oneworkforce.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:job_id>/", views.detail, name="detail"),
]
