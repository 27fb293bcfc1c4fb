"""Workforce planning in the browser (issue 7): an analyst compares two of the demo's
scenario runs; a board member reads the page but may not run a scenario.

The scenarios' titles and horizons are read from the example scenario files the demo runs
(``examples/scenarios/*.toml``), not from the page.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.support import open_folded_sections, wait_for_charts

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
#: the two scenarios compared, and the one left out
CHOSEN = ("do_nothing", "training_new_roles")
LEFT_OUT = "operating_plan"
CAPTION = ": whole system, median (10th to 90th percentile)"


def scenario(stem: str) -> dict:
    return tomllib.loads((EXAMPLES / f"{stem}.toml").read_text(encoding="utf-8"))


def csrf_token(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def post_run(page, runs: str):
    """POST the run form as the page's user would, with a valid CSRF token, so that what
    answers is the permission check, not the CSRF check."""
    return page.request.post(
        "/planning/run/",
        form={"scenario": CHOSEN[0], "runs": runs, "csrfmiddlewaretoken": csrf_token(page)},
        headers={"X-CSRFToken": csrf_token(page)},
    )


def test_an_analyst_compares_two_scenario_runs(analyst_page):
    page = analyst_page
    page.goto("/planning/")
    titles = {stem: scenario(stem)["title"] for stem in (*CHOSEN, LEFT_OUT)}
    assert titles["do_nothing"] == "Do nothing"  # read by hand from the example files

    boxes = page.get_by_role("checkbox")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for stem in CHOSEN:  # the demo ran each example scenario once
        page.get_by_label(re.compile(rf"^{re.escape(titles[stem])} – ")).check()
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_load_state()

    runs = parse_qs(urlsplit(page.url).query)["run"]
    assert sorted(r.split("-20")[0] for r in runs) == sorted(
        scenario(stem)["name"] for stem in CHOSEN
    )

    # the fan chart: drawn as SVG, one panel per chosen scenario and none for the other
    assert wait_for_charts(page) == 1
    figure = page.locator('figure[data-chart="plan-fan"]')
    svg_texts = {t.text_content() for t in figure.locator("svg text").all()}
    for stem in CHOSEN:
        assert titles[stem] in svg_texts
    assert titles[LEFT_OUT] not in svg_texts
    assert "supply" in figure.locator("figcaption").inner_text()

    # the scenarios side by side at a glance, one row each, linking to their details
    glance = page.locator("#at-a-glance tbody th").all_inner_texts()
    assert sorted(t.strip() for t in glance) == sorted(titles[stem] for stem in CHOSEN)
    # each scenario's details are folded under its heading; a reader opens them
    assert page.locator("main details summary").count() == len(CHOSEN)
    assert page.locator("main details[open]").count() == 0
    assert open_folded_sections(page) == len(CHOSEN)
    # a table per chosen scenario, named in its caption, with a row per year of the horizon
    captions = [c.strip() for c in page.locator("main table caption").all_inner_texts()]
    named = sorted(c.removesuffix(CAPTION) for c in captions if c.endswith(CAPTION))
    assert named == sorted(titles[stem] for stem in CHOSEN)
    for stem in CHOSEN:
        table = page.locator("main table").filter(
            has=page.locator("caption", has_text=titles[stem] + CAPTION)
        )
        years = table.locator("tbody th").all_inner_texts()
        assert len(years) == scenario(stem)["horizon"]["years"]
        # each year's row is named by its last month in words ("March 2026"), as pages write it
        assert all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", y.strip()) for y in years), years
        assert page.get_by_role("heading", level=2, name=titles[stem], exact=True).count() == 1
    assert titles[LEFT_OUT] not in page.locator("main h2").all_inner_texts()


def test_a_board_member_reads_the_plans_but_may_not_run_one(sign_in, analyst_page):
    page = sign_in("board", "/planning/")
    assert page.get_by_role("heading", level=1).inner_text() == "Workforce plan scenarios"
    assert page.get_by_role("button", name="Run scenario").count() == 0
    assert page.get_by_label("Monte Carlo runs").count() == 0
    assert page.get_by_role("button", name="Compare", exact=True).is_visible()

    refused = post_run(page, "10")
    assert refused.status == 403
    assert "You cannot see this page" in refused.text()

    # the same request from an analyst gets past the permission check (and CSRF): it is
    # refused only for its run count, so nothing is run
    analyst_page.goto("/planning/")
    answered = post_run(analyst_page, "0")
    assert answered.status == 400
    assert "Enter a whole number of runs from 1 to 5,000" in answered.text()
