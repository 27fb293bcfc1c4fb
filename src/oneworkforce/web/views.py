"""Site-wide pages: the published index, the accessibility statement, errors and health."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from oneworkforce.web.access import Permission
from oneworkforce.web.decorators import requires

#: (title, url, description) for each published view; parts register themselves here.
PUBLISHED: list[tuple[str, str, str]] = []


@requires(Permission.VIEW_PUBLISHED)
def published(request):
    from django.urls import NoReverseMatch, reverse

    items = []
    for title, name, description in [
        (
            "Register of interests",
            "registers:published_declarations",
            "Declared interests of board and committee members, as published.",
        ),
        (
            "Public board packs",
            "reports:public_packs",
            "Board packs published with small numbers suppressed.",
        ),
        *PUBLISHED,
    ]:
        try:
            items.append({"title": title, "url": reverse(name), "description": description})
        except NoReverseMatch:
            continue
    return render(request, "published.html", {"items": items})


def accessibility(request):
    return render(request, "accessibility.html")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
