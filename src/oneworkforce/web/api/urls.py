"""Mounted at ``/api/v1/`` by the site's URLs; OpenAPI at ``openapi.json``, docs at ``docs``."""

from django.urls import path

from oneworkforce.web.api.endpoints import api

urlpatterns = [path("", api.urls)]
