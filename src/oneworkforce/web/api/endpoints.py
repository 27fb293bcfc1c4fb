"""The endpoints of ``/api/v1/``. Every one resolves the caller's scope with
:func:`oneworkforce.web.access.scope_for` and applies it; nothing else decides access.

* ``catalogue`` and ``metrics`` need VIEW_AGGREGATES; rows of a split by organisation only
  for the organisations the caller holds VIEW_ORGANISATION for.
* ``submissions`` need VIEW_SUBMISSIONS (for some organisation), scoped as the pages are
  (:mod:`oneworkforce.web.submissions.ledger`).

The figures come from the stored results (:class:`oneworkforce.metrics.store.ResultsStore`),
which hold aggregates only: no endpoint reads a person-level table.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from oneworkforce.metrics import CATALOGUE
from oneworkforce.metrics.results import LEADING_FIELDS, OPTIONAL_FIELDS, VALUE_FIELDS
from oneworkforce.metrics.store import ResultsStore
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


@api.exception_handler(NinjaValidationError)
def _bad_parameters(request, exc):
    words = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
        for e in exc.errors
    )
    return _problem(request, f"Bad parameters: {words}", 422)


# --- catalogue and metrics -------------------------------------------------------------------


@api.get("/catalogue", response=schemas.Catalogue, summary="The metric catalogue")
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
    return out


@api.get(
    "/metrics",
    response={200: list[schemas.MetricRow], 403: schemas.Problem, 422: schemas.Problem},
    exclude_unset=True,
    summary="Stored metric results",
)
def metrics(
    request,
    response: HttpResponse,
    metric: str | None = Query(None, description="metric code(s), comma-separated"),
    period: str | None = Query(None, description="one month, YYYY-MM"),
    from_: str | None = Query(None, alias="from", description="first month, YYYY-MM"),
    to: str | None = Query(None, description="last month, YYYY-MM (with from)"),
    by: str | None = Query(
        None,
        description="a stored split: system (default), place, segment, org_code, staff_group, "
        "segment,staff_group or org_code,staff_group",
    ),
):
    """The figures `oneworkforce metrics --format json` gives, read from the stored results
    (refreshed after every accepted submission). Splits by organisation hold only the
    organisations the caller may see."""
    scope = _scope(request)
    _require(scope, Permission.VIEW_AGGREGATES)
    query = parse(metric, period, from_, to, by)
    filters: dict[str, Any] = {}
    if query.periods:
        filters["period"] = query.periods
    if "org_code" in query.split.by:
        allowed = scope.organisations(Permission.VIEW_ORGANISATION)
        if allowed is not None and not allowed:
            raise PermissionDenied("figures by organisation need the view_organisation permission")
        if allowed is not None:
            filters["org_code"] = sorted(allowed)
    store = ResultsStore(settings.HOME.lake)
    rows = store.results(query.codes, split=query.split.name, filters=filters)
    index = store.index()
    response["Cache-Control"] = NO_STORE
    response["X-OneWorkforce-Data-Version"] = index["data_version"] if index else "none"
    return [_row(r, query.split.by) for r in rows]


# --- submissions -----------------------------------------------------------------------------


def _ledger_scope(request) -> Scope:
    scope = _scope(request)
    if not scope.can_any_org(Permission.VIEW_SUBMISSIONS):
        raise PermissionDenied("this needs the view_submissions permission")
    return scope


@api.get(
    "/submissions",
    response={200: list[schemas.SubmissionOut], 403: schemas.Problem, 422: schemas.Problem},
    summary="The submissions ledger",
)
def submissions(
    request,
    response: HttpResponse,
    dataset: str | None = Query(None, description="only this dataset"),
    status: str | None = Query(None, description="accepted, rejected or superseded"),
    organisation: str | None = Query(None, description="only files with this organisation"),
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
    response={200: schemas.SubmissionDetailOut, 403: schemas.Problem, 404: schemas.Problem},
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
