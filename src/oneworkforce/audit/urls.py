"""The audit trail page, mounted at /audit/."""

from django.urls import path

from oneworkforce.audit import views

app_name = "audit"
urlpatterns = [path("", views.events, name="events")]
