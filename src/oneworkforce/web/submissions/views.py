"""Submissions pages: the ledger, one submission, and the upload with its validation report."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from oneworkforce.data.lake import ALL_DATASETS
from oneworkforce.data.ledger.models import Status, Submission
from oneworkforce.web.access import Permission as P
from oneworkforce.web.decorators import requires
from oneworkforce.web.submissions import actions, ledger
from oneworkforce.web.submissions.forms import LedgerFilterForm, UploadForm

PAGE_SIZE = 50

#: rule code -> what it means, for the counts by rule (the errors carry their own words)
RULE_WORDS = {
    "missing_value": "A required value is blank",
    "bad_period": "A month is not written as a month",
    "period_out_of_range": "A month is outside the accepted range",
    "bad_date": "A date is not a date",
    "not_a_number": "A figure is not a number",
    "not_a_whole_number": "A count is not a whole number",
    "out_of_range": "A figure is outside its allowed range",
    "unknown_code": "A code is not in the reference list",
    "bad_code": "A code is not in the reference list",
    "unknown_organisation": "An organisation code is not in the register",
    "text_too_long": "A text value is too long",
    "missing_column": "A required column is missing",
    "unknown_column": "A heading is not part of the format",
    "duplicate_column": "Two headings mean the same column",
    "duplicate_row": "The same row appears more than once",
    "duplicate_person_assignment": "The same person and assignment appear twice in a month",
    "unreadable_file": "The file cannot be read",
    "no_rows": "The file has no rows",
    "one_of_required": "A row needs exactly one of two columns",
    "no_figures": "A row has no figures",
    "negative_value": "A figure is negative",
    "percent_above_100": "A percentage is above 100",
    "fraction_above_1": "A fraction is above 1",
    "unit_not_allowed": "A unit is not allowed for this metric",
    "days_lost_above_available": "Days lost are more than days available",
    "shifts_over_cap_above_shifts": "Shifts over the price cap are more than all agency shifts",
    "half_suppressed": "One of two figures that go together is blank or suppressed",
    "suppressed_total": "An organisation total is suppressed",
    "total_not_accepted": "An organisation total is given where rows are by staff group",
    "internal_check": "The file failed a check that could not be located",
}


def _rule_counts(counts: dict[str, int]) -> list[dict[str, object]]:
    return [
        {"rule": rule, "words": RULE_WORDS.get(rule, rule.replace("_", " ").capitalize()), "n": n}
        for rule, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _report(dataset: str, total: int, counts: dict[str, int], listed: list[dict]) -> dict:
    """The validation report as the template shows it."""
    errors = ledger.safe_errors(dataset, listed)
    return {
        "total": total,
        "counts": _rule_counts(counts),
        "errors": errors,
        "not_listed": max(0, total - len(errors)),
    }


def _row(scope, submission: Submission) -> dict:
    orgs, other_orgs = ledger.organisations(scope, submission)
    slices = list(submission.slices.all())
    superseded = sum(1 for s in slices if s.status == Status.SUPERSEDED)
    return {
        "s": submission,
        "organisations": orgs,
        "other_organisations": other_orgs,
        "partly_superseded": superseded if submission.status == Status.ACCEPTED else 0,
        "slice_count": len(slices),
    }


@requires(P.VIEW_SUBMISSIONS)
def submission_list(request):
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    submissions = ledger.filtered(
        request.scope,
        dataset=filters.get("dataset") or None,
        status=filters.get("status") or None,
        organisation=filters.get("organisation") or None,
    ).prefetch_related("slices")
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "submissions/list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(request.scope, s) for s in page.object_list],
            "query": query.urlencode(),
            "can_submit": request.scope.can_any_org(P.SUBMIT_DATA),
        },
    )


@requires(P.VIEW_SUBMISSIONS)
def submission_detail(request, submission_id):
    submission = ledger.visible(request.scope).filter(pk=submission_id).first()
    if submission is None:  # not there, or not the user's to see: the same answer
        raise Http404("no such submission")
    shown, hidden = ledger.slices(request.scope, submission)
    visible_ids = {
        str(pk)
        for pk in ledger.visible(request.scope)
        .filter(pk__in={s.superseded_by for s in shown if s.superseded_by})
        .values_list("pk", flat=True)
    }
    replaced = [
        s
        for s in submission.superseding.select_related("submission").order_by(
            "org_code", "segment", "period"
        )
        if request.scope.can(P.VIEW_SUBMISSIONS, s.org_code)
    ]
    orgs, other_orgs = ledger.organisations(request.scope, submission)
    return render(
        request,
        "submissions/detail.html",
        {
            "s": submission,
            "dataset_title": ALL_DATASETS[submission.dataset].title
            if submission.dataset in ALL_DATASETS
            else submission.dataset,
            "organisations": orgs,
            "other_organisations": other_orgs,
            "slices": shown,
            "hidden_slices": hidden,
            "visible_ids": visible_ids,
            "replaced": replaced,
            "report": _report(
                submission.dataset,
                submission.error_count,
                submission.counts_by_rule,
                submission.errors,
            ),
        },
    )


@requires(P.SUBMIT_DATA)
def upload(request):
    """The form; a file sent is queued as a job and the page follows it (``?job=<id>``)."""
    from oneworkforce.jobs.views import following

    datasets = actions.submittable_datasets(request.scope)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, datasets=datasets)
        if form.is_valid():
            job = actions.submit(
                settings.HOME,
                request.scope,
                form.cleaned_data["dataset"],
                form.cleaned_data["file"],
                strict=form.cleaned_data["strict"],
                period=form.cleaned_data.get("period") or "",
            )
            url = reverse("submissions:upload") + f"?job={job.id}"
            return redirect(url)  # 302, then a GET: a reload does not send the file again
    else:
        form = UploadForm(datasets=datasets, initial={"dataset": request.GET.get("dataset")})
    context = {
        "form": form,
        "limit": settings.MAX_UPLOAD_BYTES,
        "organisations": sorted(request.scope.organisations(P.SUBMIT_DATA) or []),
        "system_wide": request.scope.organisations(P.SUBMIT_DATA) is None,
    }
    if request.method == "GET" and (followed := following(request, "upload")):
        context.update(followed)
        dataset = followed["job"].params.get("dataset")
        context["form"] = UploadForm(datasets=datasets, initial={"dataset": dataset})
    status = 400 if request.method == "POST" else 200
    return render(request, "submissions/upload.html", context, status=status)
