"""Template context: the navigation a user's scope allows."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from oneworkforce.web.access import Permission as P
from oneworkforce.web.access import scope_for

#: (label, url name, permission, org-scoped?) in the order of the header menu
NAVIGATION = [
    ("People Story", "dashboard:home", P.VIEW_AGGREGATES, False),
    ("Agency", "dashboard:agency", P.VIEW_AGGREGATES, False),
    ("Coverage", "dashboard:coverage", P.VIEW_AGGREGATES, False),
    ("Submissions", "submissions:list", P.VIEW_SUBMISSIONS, True),
    ("Programmes", "registers:programmes", P.VIEW_REGISTERS, False),
    ("Portfolio", "registers:portfolio", P.VIEW_REGISTERS, False),
    ("Risks", "registers:risks", P.VIEW_REGISTERS, False),
    ("Actions", "registers:actions", P.VIEW_REGISTERS, False),
    ("Planning", "planning:scenarios", P.VIEW_PLANS, False),
    ("Board packs", "reports:packs", P.VIEW_PACKS, False),
    ("Published", "published", P.VIEW_PUBLISHED, False),
    ("Targets", "dashboard:targets", P.SET_TARGETS, False),
    ("Audit trail", "audit:events", P.VIEW_AUDIT, False),
    ("Jobs", "jobs:list", P.VIEW_JOBS, False),
]


def landing_url(request) -> str:
    """A user's first page: the first page of the menu their scope lets them see."""
    items = navigation(request)["navigation"]
    return items[0]["url"] if items else reverse("account")


def navigation(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    items = []
    if scope.authenticated:
        for label, name, permission, org_scoped in NAVIGATION:
            allowed = scope.can_any_org(permission) if org_scoped else scope.can(permission)
            if not allowed:
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:  # a part of the app not installed in this build
                continue
            items.append({"label": label, "url": url, "current": request.path == url})
    from django.conf import settings

    return {
        "navigation": items,
        "scope": scope,
        "roles": sorted(r.value for r in scope.roles),
        "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
    }
