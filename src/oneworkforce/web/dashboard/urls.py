from django.urls import path

from oneworkforce.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("metrics/<slug:metric>/", views.drilldown, name="drilldown"),
    path("metrics/<slug:metric>/table.<str:fmt>", views.table_download, name="table"),
    path("people-story.<str:fmt>", views.story_export, name="story_export"),
    path("agency/", views.agency, name="agency"),
    path("targets/", views.targets_page, name="targets"),
    path("glossary/", views.glossary, name="glossary"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<slug:segment>/<slug:metric>/", views.coverage_edit, name="coverage_edit"),
]
