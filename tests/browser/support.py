"""What the browser tests share: the demo's source files (the figures a user should see,
worked out from them by hand), the display formats, and the page checks (charts, axe-core)."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "src/oneworkforce/web/static/vendor/js/axe.min.js"
#: WCAG 2.2 A and AA, as axe-core tags them
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: the segment whose figures the upload test changes (its only organisation is the ICB)
UPLOAD_SEGMENT = "icb_corporate"

#: a staff in post file: the heading, and the ICB's whole staff in post for a month (five
#: assignments in post and one bank assignment, which is never staff in post), which the
#: upload and stale-figures tests send
STAFF_IN_POST_HEADING = (
    "period,org_code,person_id,assignment_id,staff_group,band,fte,contract_type,age,sex,"
    "ethnic_group,disability,start_date"
)
ICB_MONTH = [
    "{m},{org},p0000001,a1,admin_clerical,band_4,1.0,permanent,40,female,white,no,2015-01-01",
    "{m},{org},p0000002,a1,admin_clerical,band_3,0.8,permanent,33,male,bme,no,2019-06-01",
    "{m},{org},p0000003,a1,managers,band_7,1.0,permanent,51,female,white,yes,2008-02-11",
    "{m},{org},p0000004,a1,medical_dental,medical,0.6,locum,45,male,white,no,2025-01-06",
    "{m},{org},p0000005,a1,ahp,band_5,0.5,fixed_term,29,female,not_stated,not_stated,2024-09-02",
    "{m},{org},p0000006,a1,nursing_midwifery,band_5,1.0,bank,38,female,white,no,2023-03-01",
]
ICB_MONTH_FTE = "3.9"  # 1.0 + 0.8 + 1.0 + 0.6 + 0.5; the bank assignment does not count


def write_staff_in_post(folder: Path, name: str, rows: list[str], month: str, org: str) -> Path:
    """A staff in post file of ``rows`` (``{m}`` the month, ``{org}`` the organisation)."""
    path = folder / name
    lines = [STAFF_IN_POST_HEADING, *(r.format(m=month, org=org) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the demo's source files: the figures a user should see, worked out by hand ----------


@dataclass(frozen=True)
class Demo:
    """The synthetic ICS the demo loaded: its source CSV files."""

    folder: Path

    def rows(self, dataset: str) -> list[dict[str, str]]:
        with (self.folder / f"{dataset}.csv").open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    @cached_property
    def organisations(self) -> dict[str, dict[str, str]]:
        return {r["org_code"]: r for r in self.rows("organisations")}

    @cached_property
    def staff_in_post(self) -> list[dict[str, str]]:
        return self.rows("staff_in_post")

    @cached_property
    def latest_month(self) -> str:
        return max(r["period"] for r in self.staff_in_post)

    def partners(self, segment: str) -> list[str]:
        return sorted(
            code
            for code, o in self.organisations.items()
            if o["segment"] == segment and o["partner"] == "true"
        )

    def fte_by_org(self, period: str) -> dict[str, float]:
        """Staff in post (FTE) by partner organisation: the sum of FTE over the month's
        assignments that are not bank (metric definitions §1)."""
        total: dict[str, float] = defaultdict(float)
        for r in self.staff_in_post:
            partner = self.organisations.get(r["org_code"], {}).get("partner") == "true"
            if r["period"] == period and r["contract_type"] != "bank" and partner:
                total[r["org_code"]] += float(r["fte"])
        return dict(total)

    def fte(self, segment: str, period: str) -> float:
        by_org = self.fte_by_org(period)
        return sum(by_org.get(code, 0.0) for code in self.partners(segment))

    def months(self, segment: str) -> list[str]:
        """The months with staff-in-post rows for the segment's partner organisations."""
        orgs = set(self.partners(segment))
        return sorted({r["period"] for r in self.staff_in_post if r["org_code"] in orgs})

    def segments_with_staff_in_post(self) -> list[str]:
        return sorted(
            {
                self.organisations[r["org_code"]]["segment"]
                for r in self.staff_in_post
                if self.organisations.get(r["org_code"], {}).get("partner") == "true"
            }
        )


def fte_text(value: float) -> str:
    """FTE as the dashboard shows it: thousands separated, one decimal place."""
    return f"{value:,.1f}"


def percent_text(value: float) -> str:
    """A rate as the dashboard shows it: a percentage to one decimal place."""
    return f"{value * 100:.1f}%"


# --- what the tests share ---------------------------------------------------------------


def wait_for_charts(page) -> int:
    """Wait until every chart on the page has been drawn as SVG; returns how many."""
    figures = page.locator("figure[data-chart]")
    count = figures.count()
    for i in range(count):
        canvas = figures.nth(i).locator(".owf-chart__canvas")
        canvas.locator("svg").first.wait_for(state="attached")
        assert "could not be drawn" not in canvas.inner_text()
    return count


def axe_violations(page) -> list[dict]:
    """Run axe-core (the npm package the app pins) on the page against WCAG 2.2 A and AA.

    The script is evaluated through the DevTools protocol, so the page's Content Security
    Policy (no inline scripts) stays in force while it is checked."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            })))""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'][:5])}"
        + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
        for v in violations
    )


def table_rows(page, selector: str) -> list[list[str]]:
    """The body rows of a table as the user reads them (cell texts, trimmed)."""
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def open_folded_sections(page) -> int:
    """Open every folded section (``<details>``) of the main content, as a reader clicking
    each summary would, so that what they hold is read as shown; returns how many opened."""
    closed = page.locator("main details:not([open]) > summary")
    count = closed.count()
    for _ in range(count):  # the locator is read again at each click: the first still closed
        closed.first.click()
    assert closed.count() == 0, "a folded section did not open"
    return count


#: the longest a background job (an upload and its refresh, a board pack) may take on a
#: loaded machine: a ceiling with headroom, not an expected duration
JOB_CEILING_MS = 600_000


def wait_for_job(page) -> str:
    """Wait until the job the page follows has finished (its progress panel, polled by htmx,
    says ``done`` or ``failed``); returns that state."""
    page.wait_for_selector(
        '#job[data-job-state="done"], #job[data-job-state="failed"]', timeout=JOB_CEILING_MS
    )
    return page.locator("#job").get_attribute("data-job-state")
