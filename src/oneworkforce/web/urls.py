"""Every URL of the site. Parts still being built are included once their module exists."""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import include, path

from oneworkforce.web import views

urlpatterns = [
    path("", include("oneworkforce.web.dashboard.urls")),
    path("", include("oneworkforce.web.accounts.urls")),
    path("published/", views.published, name="published"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]

_OPTIONAL = [
    ("submissions/", "oneworkforce.web.submissions.urls"),
    ("api/v1/", "oneworkforce.web.api.urls"),
    ("registers/", "oneworkforce.registers.urls"),
    ("packs/", "oneworkforce.reports.urls"),
    ("planning/", "oneworkforce.planning.urls"),
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
