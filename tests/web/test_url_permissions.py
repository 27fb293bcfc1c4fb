"""The metatest: every URL of the site, requested anonymously, as each role and as a member of
another organisation, answers as the role matrix says.

Each URL name is classified here, by hand, with the permission its page needs; a URL that is
not classified fails the test, so a new page cannot ship without a decision about who may see
it. The role matrix itself (web/access.py) is pinned by the first test against the issue's
words, so neither can drift without a test saying so.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from oneworkforce.web.access import MATRIX, ORG_ROLES, ORG_SCOPED, Permission, Role
from tests.web.conftest import PEOPLE

pytestmark = pytest.mark.django_db

P = Permission
PUBLIC = "public"  # no sign-in needed


def first(model: str, **where):
    """Args of a detail URL: the primary key of a demo record, looked up when requested."""

    def lookup():
        from django.apps import apps

        return (apps.get_model("registers", model).objects.filter(**where).first().pk,)

    return lookup


#: url name -> (permission needed or PUBLIC, args (or a function giving them), query string)
URLS: dict[str, tuple[object, object, str]] = {
    "login": (PUBLIC, (), ""),
    "logout": (PUBLIC, (), ""),  # POST only; GET is refused for everyone alike
    "account": (P.VIEW_PUBLISHED, (), ""),  # every signed-in user
    "sign_out_everywhere": (P.VIEW_PUBLISHED, (), ""),  # every signed-in user; POST only
    "start": (P.VIEW_PUBLISHED, (), ""),  # every signed-in user: redirects to their first page
    "oidc_authentication_init": (PUBLIC, (), ""),  # when OpenID Connect is configured
    "oidc_authentication_callback": (PUBLIC, (), ""),
    "healthz": (PUBLIC, (), ""),
    "accessibility": (PUBLIC, (), ""),
    "published": (P.VIEW_PUBLISHED, (), ""),
    "audit:events": (P.VIEW_AUDIT, (), "object=submission"),
    "dashboard:home": (P.VIEW_AGGREGATES, (), ""),
    "dashboard:drilldown": (P.VIEW_AGGREGATES, ("staff_in_post_fte",), "segment=secondary_care"),
    "dashboard:table": (P.VIEW_AGGREGATES, ("staff_in_post_fte", "csv"), ""),
    "dashboard:story_export": (P.VIEW_AGGREGATES, ("csv",), ""),
    "dashboard:targets": (P.SET_TARGETS, (), ""),
    "dashboard:glossary": (P.VIEW_AGGREGATES, (), ""),
    "dashboard:agency": (P.VIEW_AGGREGATES, (), ""),
    "dashboard:coverage": (P.VIEW_AGGREGATES, (), ""),
    "dashboard:coverage_edit": (P.EDIT_COVERAGE, ("secondary_care", "vacancy_rate"), ""),
    # the assurance registers (the demo's records)
    "registers:index": (P.VIEW_REGISTERS, (), ""),
    "registers:programmes": (P.VIEW_REGISTERS, (), ""),
    "registers:programme": (P.VIEW_REGISTERS, ("P1",), ""),
    "registers:report_new": (P.EDIT_REGISTERS, ("P1",), ""),
    # the demo's Integrated Care Board committee and one of its memberships
    "registers:members": (P.EDIT_REGISTERS, ("ICB-BOARD",), ""),
    "registers:membership": (P.EDIT_REGISTERS, first("Membership"), ""),
    "registers:report_submit": (P.EDIT_REGISTERS, first("StatusReport"), ""),  # POST only
    "registers:portfolio": (P.VIEW_REGISTERS, (), ""),
    "registers:risks": (P.VIEW_REGISTERS, (), ""),
    "registers:baf": (P.VIEW_REGISTERS, (), ""),
    "registers:risk": (P.VIEW_REGISTERS, first("Risk"), ""),
    # POST only; also the risk's owner by email (tests/registers/test_indicators.py)
    "registers:risk_review": (P.EDIT_REGISTERS, first("Risk"), ""),
    "registers:actions": (P.VIEW_REGISTERS, (), ""),
    "registers:action": (P.VIEW_REGISTERS, first("Action"), ""),
    "registers:milestones": (P.VIEW_REGISTERS, (), ""),
    "registers:milestone": (P.VIEW_REGISTERS, first("Milestone"), ""),
    "registers:benefits": (P.VIEW_REGISTERS, (), ""),
    "registers:benefit": (P.VIEW_REGISTERS, first("Benefit"), ""),
    "registers:benefit_month": (P.EDIT_REGISTERS, first("BenefitMonth"), ""),
    "registers:new": (P.EDIT_REGISTERS, ("risk",), ""),
    "registers:meetings": (P.VIEW_REGISTERS, (), ""),
    "registers:meeting": (P.VIEW_REGISTERS, first("Meeting"), ""),
    "registers:declarations": (P.VIEW_DECLARATIONS, (), ""),
    "registers:declaration_edit": (P.EDIT_DECLARATIONS, first("Declaration"), ""),
    "registers:published_declarations": (P.VIEW_PUBLISHED, (), ""),
    "registers:interest_organisations": (P.EDIT_DECLARATIONS, first("Interest"), ""),  # POST
    "registers:people_unresolved": (P.EDIT_REGISTERS, (), ""),
    "registers:edit": (P.EDIT_REGISTERS, lambda: ("risk", first("Risk")()[0]), ""),
    "registers:archive": (P.EDIT_REGISTERS, lambda: ("risk", first("Risk")()[0]), ""),  # POST
    "registers:import": (P.EDIT_REGISTERS, (), ""),
    "registers:export": (P.VIEW_REGISTERS, ("risks", "csv"), ""),
    # submissions and the API (the detail pages: the site fixture's submission for RZA)
    "submissions:list": (P.VIEW_SUBMISSIONS, (), ""),
    "submissions:upload": (P.SUBMIT_DATA, (), ""),
    "submissions:detail": (P.VIEW_SUBMISSIONS, lambda: (SUBMISSION["RZA"],), ""),
    "api:api-root": (PUBLIC, (), ""),  # nothing there: 404 for everyone
    "api:openapi-json": (PUBLIC, (), ""),
    "api:openapi-view": (PUBLIC, (), ""),
    "api:catalogue": (P.VIEW_AGGREGATES, (), ""),
    "api:metrics": (P.VIEW_AGGREGATES, (), "metric=staff_in_post_fte"),
    "api:submissions": (P.VIEW_SUBMISSIONS, (), ""),
    "api:submission": (P.VIEW_SUBMISSIONS, lambda: (SUBMISSION["RZA"],), ""),
    "api:registers": (P.VIEW_REGISTERS, ("risks",), ""),
    "api:planning_runs": (P.VIEW_PLANS, (), ""),
    "api:packs": (P.VIEW_PUBLISHED, (), ""),
    # board packs (the site fixture's full pack; its public pack is checked below)
    "reports:packs": (P.VIEW_PACKS, (), ""),
    "reports:public_packs": (P.VIEW_PUBLISHED, (), ""),
    "reports:create": (P.MAKE_PACKS, (), ""),  # POST only
    "reports:detail": (P.VIEW_PACKS, lambda: (PACK["full"],), ""),
    "reports:download": (P.VIEW_PACKS, lambda: (PACK["full"], "xlsx"), ""),
    # workforce planning
    "planning:scenarios": (P.VIEW_PLANS, (), ""),
    "planning:run": (P.RUN_PLANS, (), ""),  # POST only
    # background jobs: the admins' list, and one job (the site fixture's upload for RZA)
    "jobs:list": (P.VIEW_JOBS, (), ""),
    "jobs:detail": (P.VIEW_SUBMISSIONS, lambda: (JOB["RZA"],), ""),
}

#: organisation -> the id of a submission of its data, made by the site fixture
SUBMISSION: dict[str, str] = {}
#: "full" and "public" -> the id of a board pack, made by the site fixture
PACK: dict[str, str] = {}
#: organisation -> the id of an upload job (someone else's) for its data, made by the site fixture
JOB: dict[str, str] = {}

#: organisation-scoped requests: (url name, args, query, organisation the page is about)
ORG_PAGES = [
    ("dashboard:drilldown", ("staff_in_post_fte",), "org=RZA", "RZA"),
    ("dashboard:table", ("staff_in_post_fte", "xlsx"), "org=RZA", "RZA"),
    ("submissions:detail", lambda: (SUBMISSION["RZA"],), "", "RZA"),
    ("api:submission", lambda: (SUBMISSION["RZA"],), "", "RZA"),
]


def test_the_role_matrix_says_what_the_issue_says():
    assert MATRIX[Role.VIEWER] == {P.VIEW_PUBLISHED}  # published views only
    for role in (Role.ADMIN, Role.ANALYST, Role.BOARD, Role.PROGRAMME_LEAD, Role.ORG_DATA_LEAD):
        assert P.VIEW_AGGREGATES in MATRIX[role]  # the system in aggregate
    assert P.SUBMIT_DATA in MATRIX[Role.ORG_DATA_LEAD] and P.SUBMIT_DATA in ORG_SCOPED
    assert P.SUBMIT_DATA not in MATRIX[Role.BOARD] | MATRIX[Role.PROGRAMME_LEAD]
    assert P.MANAGE_USERS in MATRIX[Role.ADMIN]
    # issue 13: targets are set per ICS on an admin page
    assert P.SET_TARGETS in MATRIX[Role.ADMIN]
    assert all(P.SET_TARGETS not in MATRIX[r] for r in Role if r is not Role.ADMIN)
    assert all(P.MANAGE_USERS not in MATRIX[r] for r in Role if r is not Role.ADMIN)
    # the audit trail names who changed what: administrators only
    assert all((P.VIEW_AUDIT in MATRIX[r]) == (r is Role.ADMIN) for r in Role)
    assert P.EDIT_REGISTERS in MATRIX[Role.PROGRAMME_LEAD]
    assert P.EDIT_REGISTERS not in MATRIX[Role.BOARD]
    assert MATRIX[Role.ANALYST] <= MATRIX[Role.ADMIN]
    # issue 14: a full board pack shows agency and bank by organisation, so only the roles that
    # may see every organisation's figures may see it (docs/web.md)
    for role in Role:
        if P.VIEW_PACKS in MATRIX[role]:
            assert P.VIEW_ORGANISATION in MATRIX[role] and role not in ORG_ROLES, role
    assert P.VIEW_PACKS not in MATRIX[Role.PROGRAMME_LEAD] | MATRIX[Role.ORG_DATA_LEAD]


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_classified():
    unclassified = sorted(all_url_names() - set(URLS))
    assert not unclassified, f"classify these URLs in {__file__}: {unclassified}"


def test_every_classified_url_exists():
    """A part of the site that failed to load must not pass the sweep by being absent."""
    absent = sorted(set(URLS) - all_url_names())
    assert not absent, f"classified but not served: {absent}"


#: URLs about one organisation's data in the sweep: url name -> that organisation
ABOUT_ORGANISATION = {"submissions:detail": "RZA", "api:submission": "RZA", "jobs:detail": "RZA"}


def allowed(person: str, needed, name: str) -> bool:
    if needed is PUBLIC:
        return True
    role, orgs = PEOPLE[person]
    granted = MATRIX[Role(role)]
    if needed in ORG_SCOPED and orgs and name in ABOUT_ORGANISATION:
        return needed in granted and ABOUT_ORGANISATION[name] in orgs
    return needed in granted


def fetch(client, url: str) -> int:
    """GET a URL and read it to the end: a file download streams, and reading it through the
    test client closes the file (``response.close()`` would also close the test's database
    connection on PostgreSQL)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def _is_api(name: str) -> bool:
    return name.startswith("api:")


@pytest.fixture
def site(story, tmp_path):
    """The story data, the registers' demo records and a submission of RZA's, so every
    detail page has a record."""
    from oneworkforce.data.importer import Importer
    from oneworkforce.registers.demo import load_demo
    from tests.data.samples import write
    from tests.metrics.test_results_store import sickness

    load_demo(actor="tests")
    rows = [sickness("RZA", "2024-06", days_lost=47.0)]  # the same figure, resent
    result = Importer(story, submitted_by="org_data_lead").import_file(
        "sickness_absence", write(tmp_path / "rza.csv", rows)
    )
    assert result.status == "accepted", result.report.summary()
    SUBMISSION["RZA"] = str(result.submission_id)
    JOB["RZA"] = _upload_job(result)
    from oneworkforce.reports import freeze
    from oneworkforce.reports.options import PackOptions

    for kind, public in (("full", False), ("public", True)):
        PACK[kind] = str(freeze.make(story, PackOptions(public=public), actor="tests").id)
    return story


def _upload_job(result) -> str:
    """A finished upload job for an import's result, sent by someone who is none of PEOPLE."""
    from oneworkforce.jobs import actions
    from oneworkforce.jobs.kinds import Done

    params = {"dataset": result.dataset, "file": result.file, "scoped": False}
    job = actions.start("upload", "someone-else", result.file, params, queue=False)
    job = actions.claim(job.id)
    done = Done(result.to_dict(), "submission", str(result.submission_id), ("RZA",))
    actions.finish(job, done)
    return str(job.id)


@pytest.mark.parametrize("person", [None, *PEOPLE])
def test_each_url_answers_as_the_matrix_says(site, browser_for, person):
    client = browser_for(person)
    wrong = []
    for name, (needed, args, query) in URLS.items():
        args = args() if callable(args) else args
        url = reverse(name, args=args) + (f"?{query}" if query else "")
        status = fetch(client, url)
        if needed is PUBLIC:
            ok = status < 500 and status != 403
        elif person is None:
            ok = status == (401 if _is_api(name) else 302)
        elif allowed(person, needed, name):
            ok = status in (200, 302, 405)
        elif name in ABOUT_ORGANISATION:  # not even named to another organisation
            ok = status in (403, 404)
        else:
            ok = status == 403
        if not ok:
            wrong.append((name, url, status))
    assert not wrong, f"{person or 'anonymous'}: {wrong}"


@pytest.mark.parametrize("person", list(PEOPLE))
def test_organisation_pages_only_for_their_organisations(site, browser_for, person):
    client = browser_for(person)
    role, orgs = PEOPLE[person]
    for name, args, query, org in ORG_PAGES:
        args = args() if callable(args) else args
        status = client.get(reverse(name, args=args) + f"?{query}").status_code
        needed = P.VIEW_SUBMISSIONS if "submission" in name else P.VIEW_ORGANISATION
        system_wide = needed in MATRIX[Role(role)] and not orgs
        if system_wide or (org in orgs and needed in MATRIX[Role(role)]):
            assert status == 200, (person, name, status)
        else:  # refused; a submission another organisation may not see is not even named
            assert status in (403, 404), (person, name, status)


@pytest.mark.parametrize("person", [None, *PEOPLE])
def test_a_public_pack_is_published_and_a_full_one_is_not(site, browser_for, person):
    client = browser_for(person)
    for name, args in (
        ("reports:detail", (PACK["public"],)),
        ("reports:download", (PACK["public"], "xlsx")),
    ):
        status = fetch(client, reverse(name, args=args))
        assert status == (302 if person is None else 200), (person, name, status)
    full = client.get(reverse("reports:detail", args=(PACK["full"],))).status_code
    if person is None:
        assert full == 302
    else:
        role, _orgs = PEOPLE[person]
        assert full == (200 if P.VIEW_PACKS in MATRIX[Role(role)] else 403), (person, full)


#: text a board member must never read on a page (issue 13): placeholder targets, the old
#: synthetic status updates, and raw ISO timestamps
PLACEHOLDERS = re.compile(r"seed:|Synthetic monthly|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def visible_text(html: str) -> str:
    """What a reader sees of a page: no scripts, styles, tags or attribute values."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]*>", " ", html)


@pytest.mark.parametrize("person", list(PEOPLE))
def test_no_page_shows_a_placeholder_or_a_raw_timestamp(site, browser_for, person):
    client = browser_for(person)
    found = []
    for name, (_needed, args, query) in URLS.items():
        if _is_api(name):
            continue  # machine-readable: ISO timestamps are the contract there
        args = args() if callable(args) else args
        response = client.get(reverse(name, args=args) + (f"?{query}" if query else ""))
        if response.streaming:  # a download: read to the end, which closes the file
            b"".join(response.streaming_content)
            continue
        if response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        found += [(name, m.group(0)) for m in PLACEHOLDERS.finditer(text)]
    assert not found, f"{person}: {found}"


def test_the_placeholder_check_sees_text_and_not_attributes():
    assert PLACEHOLDERS.search(visible_text("<p>Made 2026-11-29T14:05:00Z</p>"))
    assert PLACEHOLDERS.search(visible_text("<td>Target: seed: 8-12% (set per ICS)</td>"))
    assert not PLACEHOLDERS.search(visible_text('<time datetime="2026-11-29T14:05">29 Nov</time>'))
    assert not PLACEHOLDERS.search(visible_text('<script>x = "2026-11-29T14:05"</script>'))


def _post_ok(person: str | None, needed, name: str, status: int) -> bool:
    """What a POST must answer: refused (never done) for whoever may not see the page, and
    never a server error. A POST may need more than the page (a register record's page takes
    its edit, which needs edit_registers), so those who may see the page may be refused too.
    A view that takes no POST answers 405, which refuses as well."""
    if needed is PUBLIC:
        return status < 500
    if person is None:
        return status in ((401, 405) if _is_api(name) else (302, 405))
    if allowed(person, needed, name):
        return status < 500
    if name in ABOUT_ORGANISATION:
        return status in (403, 404, 405)
    return status in (403, 405)


@pytest.mark.parametrize("person", [None, *PEOPLE])
def test_each_url_refuses_a_post_as_the_matrix_says(site, browser_for, person):
    """Issue 14, items 8 and 5: the sweep POSTs as well as GETs, anonymously, as each role and
    as a member of another organisation (other_org_lead, of RZB, on RZA's records). Each POST
    is sent empty by a client of its own, so signing out (logout, sign out everywhere) cannot
    change what the next URL is asked as; a refused POST must change nothing, so the audit
    trail gains no event from it."""
    from oneworkforce.audit.models import AuditEvent

    wrong = []
    for name, (needed, args, query) in URLS.items():
        args = args() if callable(args) else args
        url = reverse(name, args=args) + (f"?{query}" if query else "")
        before = AuditEvent.objects.count()
        response = browser_for(person).post(url, {})
        if response.streaming:
            b"".join(response.streaming_content)
        if not _post_ok(person, needed, name, response.status_code):
            wrong.append((name, url, response.status_code))
        refused = needed is not PUBLIC and (person is None or not allowed(person, needed, name))
        if refused and AuditEvent.objects.count() != before:
            wrong.append((name, url, "a refused POST was audited as a change"))
    assert not wrong, f"{person or 'anonymous'}: {wrong}"


#: downloads the sweep above does not name: (url, permission needed)
DOWNLOADS = [
    ("/agency/?download=csv", P.VIEW_AGGREGATES),
    ("/agency/?download=xlsx", P.VIEW_AGGREGATES),
    ("/people-story.xlsx", P.VIEW_AGGREGATES),
    ("/metrics/staff_in_post_fte/table.xlsx?segment=secondary_care", P.VIEW_AGGREGATES),
    ("/metrics/sickness_absence_rate/table.csv?segment=nhs_community", P.VIEW_AGGREGATES),
    ("/metrics/staff_in_post_fte/table.csv?org=RZA", P.VIEW_ORGANISATION),
]


@pytest.mark.parametrize("person", [None, *PEOPLE])
def test_every_download_answers_as_the_matrix_says(site, browser_for, person):
    client = browser_for(person)
    wrong = []
    for url, needed in DOWNLOADS:
        status = fetch(client, url)
        if person is None:
            ok = status == 302
        else:
            role, orgs = PEOPLE[person]
            may = needed in MATRIX[Role(role)] and (
                needed not in ORG_SCOPED or not orgs or "org=RZA" not in url or "RZA" in orgs
            )
            ok = status == 200 if may else status in (403, 404)
        if not ok:
            wrong.append((url, status))
    assert not wrong, f"{person or 'anonymous'}: {wrong}"
