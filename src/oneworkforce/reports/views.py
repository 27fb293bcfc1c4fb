"""The packs pages: past packs (and, for analysts, the form that makes one), the public
packs, one pack's page and its files. Every figure shown comes from the frozen content."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oneworkforce.config import Home
from oneworkforce.reports.options import ACTIONS, DEFAULTS, OptionError, PackOptions
from oneworkforce.reports.render import FORMATS
from oneworkforce.web.access import Permission, scope_for
from oneworkforce.web.decorators import requires

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "html": "Web page"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def _home() -> Home:
    return Home(settings.HOME.root)  # the data directory the web app was started with


def _get(pack_id):
    from oneworkforce.reports import freeze

    try:
        return freeze.load(str(pack_id))
    except freeze.PackNotFound as exc:
        raise Http404("no such pack") from exc


def _may_read(request, pack) -> bool:
    scope = scope_for(request.user)
    return scope.can(Permission.VIEW_PACKS) or (
        pack.public and scope.can(Permission.VIEW_PUBLISHED)
    )


def _form_context(values: dict | None = None, errors: list | None = None) -> dict:
    return {
        "actions": ACTIONS,
        "defaults": {**DEFAULTS, **(values or {})},
        "errors": errors or [],
    }


@requires(Permission.VIEW_PACKS)
def packs(request):
    from oneworkforce.jobs.views import following
    from oneworkforce.reports import service

    scope = scope_for(request.user)
    context = {"packs": service.listing(), "can_make": scope.can(Permission.MAKE_PACKS)}
    if context["can_make"]:
        context.update(_form_context())
    context.update(following(request, "pack"))
    return render(request, "reports/list.html", context)


@requires(Permission.VIEW_PUBLISHED)
def public_packs(request):
    from oneworkforce.reports import service

    return render(request, "reports/public_list.html", {"packs": service.listing(public=True)})


@requires(Permission.MAKE_PACKS)
@require_http_methods(["POST"])
def create(request):
    from oneworkforce.reports import service
    from oneworkforce.reports.inputs import NoData

    data = request.POST
    values = {
        key: data.get(key, "").strip()
        for key in (
            "period",
            "title",
            "meeting",
            "meeting_date",
            "executive_lead",
            "author",
            "action_required",
            "purpose",
            "summary",
        )
    }
    try:
        options = PackOptions(
            period=values["period"] or None,
            public=data.get("public") == "1",
            title=values["title"],
            meeting=values["meeting"],
            meeting_date=values["meeting_date"],
            executive_lead=values["executive_lead"],
            author=values["author"],
            action_required=values["action_required"],
            purpose=values["purpose"],
            summary=values["summary"],
        )
        if not service.has_results(_home()):
            raise NoData("there are no stored results yet: import data, then make the pack")
    except (OptionError, NoData) as exc:
        context = {
            "packs": service.listing(),
            "can_make": True,
            **_form_context(values, [str(exc)]),
        }
        return render(request, "reports/list.html", context, status=400)
    from oneworkforce.jobs import actions as jobs

    job = jobs.start(
        "pack",
        request.user.get_username(),
        f"Board pack{' (public)' if options.public else ''}: {options.title}",
        {"options": dataclasses.asdict(options)},
    )
    return redirect(reverse("reports:packs") + f"?job={job.id}")


def run_job(job, progress):
    """The pack job, in a worker: freeze the content, then make every file."""
    from oneworkforce.jobs.kinds import Done, JobError
    from oneworkforce.reports import freeze, service
    from oneworkforce.reports.inputs import NoData

    home = _home()
    try:
        pack = freeze.make(home, PackOptions(**job.params["options"]), actor=job.actor)
    except (OptionError, NoData) as exc:
        raise JobError(f"The pack could not be made: {exc}.") from exc
    progress(1)
    service.render_stored(home, pack)
    return Done(
        result={"period": pack.period, "title": pack.title, "public": pack.public},
        object_type="pack",
        object_id=str(pack.id),
    )


@require_http_methods(["GET", "HEAD"])
@requires(Permission.VIEW_PUBLISHED)
def detail(request, pack_id):
    from oneworkforce.reports.render.html import blocks_for_page

    pack = _get(pack_id)
    if not _may_read(request, pack):
        raise PermissionDenied("view_packs")
    sections = blocks_for_page(pack.content, images=False)
    for s in sections:
        for b in s["blocks"]:
            if b["type"] == "chart":
                b["script_id"] = f"chart-{b['id']}"
    downloads = [
        {"fmt": f, "name": FORMAT_NAMES[f], "url": reverse("reports:download", args=[pack.id, f])}
        for f in FORMATS
    ]
    return render(
        request,
        "reports/detail.html",
        {
            "pack": pack,
            "content": pack.content,
            "manifest": pack.manifest,
            "sections": sections,
            "downloads": downloads,
        },
    )


@require_http_methods(["GET", "HEAD"])
@requires(Permission.VIEW_PUBLISHED)
def download(request, pack_id, fmt):
    from oneworkforce.reports import service

    if fmt not in FORMATS:
        raise Http404("no such format")
    pack = _get(pack_id)
    if not _may_read(request, pack):
        raise PermissionDenied("view_packs")
    path = service.stored_file(_home(), pack, fmt)
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response
