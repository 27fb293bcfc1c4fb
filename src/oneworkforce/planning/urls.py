"""Planning pages, mounted at /planning/."""

from django.urls import path

from oneworkforce.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.scenarios, name="scenarios"),
    path("run/", views.run, name="run"),
]
