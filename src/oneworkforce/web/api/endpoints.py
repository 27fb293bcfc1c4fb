"""The endpoints of ``/api/v1/``. Every one resolves the caller's scope with
:func:`oneworkforce.web.access.scope_for` and applies it; nothing else decides access.

* ``catalogue`` and ``metrics`` need VIEW_AGGREGATES; rows of a split by organisation only
  for the organisations the caller holds VIEW_ORGANISATION for.
* ``submissions`` need VIEW_SUBMISSIONS (for some organisation), scoped as the pages are
  (:mod:`oneworkforce.web.submissions.ledger`).
* ``registers/{kind}`` needs VIEW_REGISTERS (VIEW_DECLARATIONS for the declarations),
  ``planning/runs`` VIEW_PLANS, ``packs`` VIEW_PACKS for full packs (public ones for all).

The figures come from the stored results
(:class:`oneworkforce.metrics.results_reader.ResultsReader`), which hold aggregates only: no
endpoint reads a person-level table.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.metrics import CATALOGUE
from oneworkforce.metrics.group_size import viewer_for
from oneworkforce.metrics.impact import SPLITS
from oneworkforce.metrics.results import LEADING_FIELDS, OPTIONAL_FIELDS, VALUE_FIELDS
from oneworkforce.metrics.results_reader import ResultsReader
from oneworkforce.registers.tabular import REGISTERS
from oneworkforce.web import freshness
from oneworkforce.web.access import Permission, Scope, scope_for
from oneworkforce.web.api import schemas
from oneworkforce.web.api.auth import AUTH
from oneworkforce.web.api.query import QueryError, parse
from oneworkforce.web.submissions import ledger

api = NinjaAPI(
    title="OneWorkforce API",
    version="1",
    description=(
        "Aggregate workforce figures, the metric catalogue and the submissions ledger, for "
        "Power BI, Excel and scripts. Authenticate with a signed-in session or with "
        "`Authorization: Bearer owf_...`. No person-level data is ever returned."
    ),
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

NO_STORE = "private, no-store"
#: the most submissions one request returns
MAX_LIMIT = 1000
#: the furthest a page may start (beyond any real ledger; larger numbers are refused, not sent
#: to the database, where they overflow)
MAX_OFFSET = 10_000_000

#: what every endpoint may answer besides its own statuses: no or a bad token, not allowed
DENIED = {401: schemas.Problem, 403: schemas.Problem}
#: the spelling of a month
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _one_of(values) -> str:
    return "|".join(re.escape(v) for v in values)


#: one or more metric codes of the catalogue, comma-separated
METRIC_CODES = rf"^({_one_of(CATALOGUE.codes)})(,({_one_of(CATALOGUE.codes)}))*$"
#: the stored splits ``by`` may name
SPLIT_NAMES = ("system", *(",".join(s.by) for s in SPLITS if s.by))
SplitName = Literal[SPLIT_NAMES]  # type: ignore[valid-type]
DatasetName = Literal[tuple(ALL_DATASETS)]  # type: ignore[valid-type]


def _scope(request: HttpRequest) -> Scope:
    return scope_for(request.auth)  # the user the session or the token belongs to


def _require(scope: Scope, permission: Permission) -> None:
    if not scope.can(permission):
        raise PermissionDenied(f"this needs the {permission.value} permission")


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    response = api.create_response(request, {"detail": message}, status=status)
    response["Cache-Control"] = NO_STORE
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _problem(request, f"Not allowed: {exc}.", 403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _problem(
        request, "Sign in, or send a token: Authorization: Bearer owf_... (see docs/api.md).", 401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(QueryError)
def _bad_query(request, exc):
    return _problem(request, str(exc), 422)


#: what each query parameter must be, in plain words, for a refused value
EXPECTED = {
    "metric": "a metric code of the catalogue, or several comma-separated (GET catalogue "
    "lists them)",
    "period": "a month written YYYY-MM",
    "from": "a month written YYYY-MM",
    "to": "a month written YYYY-MM",
    "by": "one of the stored splits: " + ", ".join(SPLIT_NAMES),
    "dataset": "one of: " + ", ".join(ALL_DATASETS),
    "status": "one of: accepted, rejected, superseded",
    "organisation": "an organisation code (letters and digits)",
}


@api.exception_handler(NinjaValidationError)
def _bad_parameters(request, exc):
    words = []
    for e in exc.errors:
        name = ".".join(str(p) for p in e.get("loc", ())[1:]) or "request"
        if name in EXPECTED and name in request.GET:
            words.append(f"{name}: {request.GET[name]!r} is not {EXPECTED[name]}")
        else:
            words.append(f"{name}: {e.get('msg')}")
    return _problem(request, f"Bad parameters: {'; '.join(words)}", 422)


# --- catalogue and metrics -------------------------------------------------------------------


@api.get(
    "/catalogue",
    response={200: schemas.Catalogue, **DENIED},
    summary="The metric catalogue",
)
def catalogue(request, response: HttpResponse):
    """Every metric: code, title, definition, unit, window, basis, targets and source."""
    _require(_scope(request), Permission.VIEW_AGGREGATES)
    response["Cache-Control"] = NO_STORE
    return CATALOGUE.to_list()


def _row(stored: dict[str, Any], dims: tuple[str, ...]) -> dict[str, Any]:
    """A stored row in the CLI's field order: metric, period, dimensions, values."""
    out: dict[str, Any] = {name: stored[name] for name in LEADING_FIELDS}
    out.update({d: stored[d] for d in dims})
    if stored.get("band_cluster") is not None:
        out["band_cluster"] = stored["band_cluster"]
    out["origin"] = stored["origin"]
    out.update({name: stored[name] for name in VALUE_FIELDS})
    out["sources"] = list(stored["sources"] or [])
    out.update({name: stored[name] for name in OPTIONAL_FIELDS if stored.get(name)})
    if stored.get("withheld"):
        out["withheld"] = stored["withheld"]
    return out


@api.get(
    "/metrics",
    response={200: list[schemas.MetricRow], **DENIED, 422: schemas.Problem},
    exclude_unset=True,
    summary="Stored metric results",
)
def metrics(
    request,
    response: HttpResponse,
    metric: str | None = Query(
        None, pattern=METRIC_CODES, description="metric code(s) of the catalogue, comma-separated"
    ),
    period: str | None = Query(None, pattern=MONTH, description="one month, YYYY-MM"),
    from_: str | None = Query(
        None, alias="from", pattern=MONTH, description="first month, YYYY-MM"
    ),
    to: str | None = Query(None, pattern=MONTH, description="last month, YYYY-MM"),
    by: SplitName | None = Query(  # type: ignore[valid-type]
        None, description="a stored split (default: system)"
    ),
):
    """The figures `oneworkforce metrics --format json` gives, read from the stored results
    (refreshed after every accepted submission). Splits by organisation hold only the
    organisations the caller may see; for a caller who may not see every organisation's
    figures, a figure of fewer than the minimum number of other organisations (default 2) has
    its value, numerator and denominator withheld and `withheld` says why. Months: `period`,
    `from` and `to` are bounds a row must all satisfy (either end of a range may be left
    open); a metric not stored for a split has no rows in it."""
    scope = _scope(request)
    _require(scope, Permission.VIEW_AGGREGATES)
    query = parse(metric, period, from_, to, by)
    filters: dict[str, Any] = {}
    if "org_code" in query.split.by:
        allowed = scope.organisations(Permission.VIEW_ORGANISATION)
        if allowed is not None and not allowed:
            raise PermissionDenied("figures by organisation need the view_organisation permission")
        if allowed is not None:
            filters["org_code"] = sorted(allowed)
    viewer = viewer_for(scope.organisations(Permission.VIEW_ORGANISATION))
    store = ResultsReader(settings.HOME.lake, viewer=viewer)
    rows = [
        r
        for r in store.results(query.codes, split=query.split.name, filters=filters)
        if query.wants(r["period"])
    ]
    index = store.index()
    stale = freshness.current().stale
    response["Cache-Control"] = NO_STORE
    response["X-OneWorkforce-Data-Version"] = index["data_version"] if index else "none"
    response["X-OneWorkforce-Data-Stale"] = "true" if stale else "false"
    out = [_row(r, query.split.by) for r in rows]
    if stale:
        for row in out:
            row["data_stale"] = True
    return out


# --- submissions -----------------------------------------------------------------------------


def _ledger_scope(request) -> Scope:
    scope = _scope(request)
    if not scope.can_any_org(Permission.VIEW_SUBMISSIONS):
        raise PermissionDenied("this needs the view_submissions permission")
    return scope


@api.get(
    "/submissions",
    response={200: list[schemas.SubmissionOut], **DENIED, 422: schemas.Problem},
    summary="The submissions ledger",
)
def submissions(
    request,
    response: HttpResponse,
    dataset: DatasetName | None = Query(  # type: ignore[valid-type]
        None, description="only this dataset"
    ),
    status: Literal["accepted", "rejected", "superseded"] | None = Query(
        None, description="only files with this status"
    ),
    organisation: str | None = Query(
        None,
        pattern=r"^[A-Za-z0-9]{1,20}$",
        description="only files with this organisation (one you may see; others match nothing)",
    ),
    limit: int = Query(200, ge=1, le=MAX_LIMIT, description="at most this many"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="skip this many (newest first)"),
):
    """Files sent and what became of them, newest first: only files for organisations the
    caller may see (and the caller's own rejected files)."""
    scope = _ledger_scope(request)
    problems = ledger.filter_problems(dataset, status, organisation)
    if problems:
        raise QueryError("; ".join(problems))
    entries = ledger.filtered(
        scope, dataset=dataset, status=status, organisation=organisation
    ).order_by("-submitted_at", "id")[offset : offset + limit]
    response["Cache-Control"] = NO_STORE
    return [ledger.as_dict(scope, s, detail=False) for s in entries]


@api.get(
    "/submissions/{submission_id}",
    response={200: schemas.SubmissionDetailOut, **DENIED, 404: schemas.Problem},
    summary="One submission, its slices and its validation report",
)
def submission(request, response: HttpResponse, submission_id: UUID):
    """A submission with its slices (and what superseded them) and, for a rejected file, the
    first 100 errors. A submission the caller may not see is answered as not found."""
    scope = _ledger_scope(request)
    entry = ledger.visible(scope).filter(pk=submission_id).first()
    if entry is None:
        return Status(404, {"detail": f"No submission {submission_id} that you can see."})
    response["Cache-Control"] = NO_STORE
    return Status(200, ledger.as_dict(scope, entry, detail=True))


# --- registers, planning runs, board packs (read only) -----------------------------------------

RegisterKind = Literal[tuple(REGISTERS)]  # type: ignore[valid-type]


@api.get(
    "/registers/{kind}",
    response={200: list[dict[str, Any]], **DENIED},
    summary="One assurance register, as `oneworkforce registers export KIND --format json`",
)
def registers(request, response: HttpResponse, kind: RegisterKind):  # type: ignore[valid-type]
    """The register's live (not archived) records, with the fields of its JSON export. Needs
    view_registers; the full register of interests (`declarations`) needs view_declarations."""
    from oneworkforce.registers import exporting

    scope = _scope(request)
    _require(scope, Permission.VIEW_REGISTERS)
    if kind == "declarations":
        _require(scope, Permission.VIEW_DECLARATIONS)
    response["Cache-Control"] = NO_STORE
    return exporting.as_json(kind)


@api.get(
    "/planning/runs",
    response={200: list[dict[str, Any]], **DENIED},
    summary="Planning runs: their scenario, data version and P10/P50/P90 summaries",
)
def planning_runs(
    request,
    response: HttpResponse,
    run: str | None = Query(
        None, pattern=r"^[A-Za-z0-9_.-]{1,120}$", description="only the run with this id"
    ),
):
    """Every finished planning run, newest first: `meta` (scenario, runs, seed, engine, data
    version, levers) and `summaries` (P10, P50, P90 of supply, demand, gap and cost by year,
    segment and staff group). Needs view_plans."""
    from oneworkforce.planning.results import list_runs, load

    _require(_scope(request), Permission.VIEW_PLANS)
    out = []
    for meta in list_runs(settings.HOME):
        if run is not None and meta["run_id"] != run:
            continue
        found = load(settings.HOME, meta["run_id"])
        out.append({"meta": found.meta, "summaries": found.summaries})
    response["Cache-Control"] = NO_STORE
    return out


@api.get(
    "/packs",
    response={200: list[dict[str, Any]], **DENIED},
    summary="Board packs: the full ones you may read and the public ones",
)
def packs(request, response: HttpResponse):
    """Each pack's id, month, title, meeting, whether it is public, who made it and when, and
    the data version and content hash it was frozen with. Full packs need view_packs; public
    packs, view_published (every signed-in role)."""
    from oneworkforce.reports import service

    scope = _scope(request)
    _require(scope, Permission.VIEW_PUBLISHED)
    public_only = None if scope.can(Permission.VIEW_PACKS) else True
    response["Cache-Control"] = NO_STORE
    return [service.summary(p) for p in service.listing(public=public_only)]
