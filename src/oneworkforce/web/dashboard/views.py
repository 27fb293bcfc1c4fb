"""People Story pages (being built)."""

from __future__ import annotations

from django.http import HttpResponse

from oneworkforce.web.access import Permission as P
from oneworkforce.web.decorators import requires


@requires(P.VIEW_AGGREGATES)
def home(request):
    return HttpResponse("People Story")


@requires(P.VIEW_AGGREGATES)
def drilldown(request, metric):
    return HttpResponse(metric)


@requires(P.VIEW_AGGREGATES)
def table_download(request, metric, fmt):
    return HttpResponse(metric)


@requires(P.VIEW_AGGREGATES)
def agency(request):
    return HttpResponse("agency")


@requires(P.VIEW_AGGREGATES)
def coverage(request):
    return HttpResponse("coverage")


@requires(P.EDIT_COVERAGE)
def coverage_edit(request, segment, metric):
    return HttpResponse("edit")
