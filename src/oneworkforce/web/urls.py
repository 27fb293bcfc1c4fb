"""Every URL of the site."""

from __future__ import annotations

from django.urls import include, path

from oneworkforce.web import views

urlpatterns = [
    path("", include("oneworkforce.web.dashboard.urls")),
    path("", include("oneworkforce.web.accounts.urls")),
    path("published/", views.published, name="published"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("submissions/", include("oneworkforce.web.submissions.urls")),
    path("api/v1/", include("oneworkforce.web.api.urls")),
    path("registers/", include("oneworkforce.registers.urls")),
    path("packs/", include("oneworkforce.reports.urls")),
    path("planning/", include("oneworkforce.planning.urls")),
    path("jobs/", include("oneworkforce.jobs.urls")),
    path("audit/", include("oneworkforce.audit.urls")),
]


handler403 = "oneworkforce.web.views.forbidden"
handler404 = "oneworkforce.web.views.not_found"
