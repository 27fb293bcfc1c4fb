"""The audit trail page (administrators): every change, newest first, filtered by who, what
and since when, as ``oneworkforce audit`` reads it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render

from oneworkforce.audit import trail
from oneworkforce.web.access import Permission
from oneworkforce.web.decorators import requires

PAGE_SIZE = 100


class Filters(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Who")
    object = forms.CharField(
        required=False,
        max_length=130,
        label="What",
        help_text="An object type (for example submission) or type:id",
    )
    since = forms.DateField(
        required=False, label="Since", help_text="A date, for example 2026-11-01"
    )


@requires(Permission.VIEW_AUDIT)
def events(request):
    form = Filters(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since = filters.get("since")
    found = trail.query(
        since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None,
        actor=filters.get("actor") or None,
        obj=filters.get("object") or None,
    )
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    page = Paginator(found, PAGE_SIZE).get_page(number)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "audit/events.html",
        {"form": form if request.GET else Filters(), "page": page, "query": query},
        status=400 if request.GET and not form.is_valid() else 200,
    )
