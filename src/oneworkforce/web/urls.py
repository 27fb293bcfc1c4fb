"""Every URL of the site. Parts still being built are included once their module exists."""

from __future__ import annotations

from importlib.util import find_spec

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
]

if settings.OIDC_ENABLED:  # sign-in with an organisation's OpenID Connect provider
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

_OPTIONAL = [
    ("submissions/", "oneworkforce.web.submissions.urls"),
    ("api/v1/", "oneworkforce.web.api.urls"),
    ("registers/", "oneworkforce.registers.urls"),
    ("packs/", "oneworkforce.reports.urls"),
    ("planning/", "oneworkforce.planning.urls"),
    ("jobs/", "oneworkforce.jobs.urls"),
]


def _exists(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


for prefix, module in _OPTIONAL:
    if _exists(module):
        urlpatterns.append(path(prefix, include(module)))

handler403 = "oneworkforce.web.views.forbidden"
handler404 = "oneworkforce.web.views.not_found"
