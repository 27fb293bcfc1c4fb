"""Every URL of the site."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from oneworkforce.web import views

urlpatterns = [
    path("", include("oneworkforce.web.dashboard.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("published/", views.published, name="published"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("submissions/", include("oneworkforce.web.submissions.urls")),
    path("api/v1/", include("oneworkforce.web.api.urls")),
    path("registers/", include("oneworkforce.registers.urls")),
    path("packs/", include("oneworkforce.reports.urls")),
    path("planning/", include("oneworkforce.planning.urls")),
]

if settings.OIDC_ENABLED:  # sign-in with an organisation's OpenID Connect provider
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "oneworkforce.web.views.forbidden"
handler404 = "oneworkforce.web.views.not_found"
