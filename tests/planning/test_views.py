"""The planning page: who may see and run scenarios, and what a comparison shows."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from oneworkforce.web.accounts.service import create_user

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def page_home(store, settings):
    settings.HOME = store
    folder = store.root / "planning" / "scenarios"
    folder.mkdir(parents=True)
    (folder / "tiny.toml").write_text(
        'name = "tiny"\ntitle = "Tiny plan"\n[horizon]\nyears = 2\n', encoding="utf-8"
    )
    return store


def _client(role: str) -> Client:
    client = Client()
    client.force_login(create_user(f"u-{role}", role, password="a-long-test-password-1"))
    return client


def test_anonymous_users_are_sent_to_sign_in(page_home) -> None:
    response = Client().get("/planning/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_board_sees_the_page_but_cannot_run(page_home) -> None:
    board = _client("board")  # view_plans, not run_plans
    page = board.get("/planning/")
    assert page.status_code == 200
    assert b"Run scenario" not in page.content
    refused = board.post("/planning/run/", {"scenario": "tiny", "runs": "5"})
    assert refused.status_code == 403


def test_a_viewer_without_view_plans_is_refused(page_home) -> None:
    assert _client("viewer").get("/planning/").status_code == 403


def test_an_analyst_runs_a_scenario_and_sees_the_fan_chart_and_table(page_home) -> None:
    analyst = _client("analyst")
    response = analyst.post("/planning/run/", {"scenario": "tiny", "runs": "5"})
    assert response.status_code == 302  # to the page following the run's job
    following = analyst.get(response["Location"]).content.decode()
    assert "Tiny plan ran 5 times" in following  # the tests' queue runs the job at once
    run_link = re.search(r'href="(/planning/\?run=[^"]+)" id="job-object"', following)
    page = analyst.get(run_link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tiny plan" in html
    assert 'data-chart="plan-fan"' in html
    assert "Gap if we do nothing" in html
    start = html.index('<script id="plan-fan" type="application/json">') + len(
        '<script id="plan-fan" type="application/json">'
    )
    spec = json.loads(html[start : html.index("</script>", start)])
    assert {v["series"] for v in spec["data"]["values"]} == {"supply", "demand"}
    assert len([v for v in spec["data"]["values"] if v["series"] == "supply"]) == 24


def test_bad_input_is_shown_in_an_error_summary(page_home) -> None:
    analyst = _client("analyst")
    response = analyst.post("/planning/run/", {"scenario": "nope", "runs": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a scenario" in html
    assert "from 1 to 5,000" in html


def test_a_run_from_the_page_is_audited(page_home) -> None:
    from oneworkforce.audit.models import AuditEvent

    response = _client("analyst").post("/planning/run/", {"scenario": "tiny", "runs": "5"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="planning_run.create")
    from oneworkforce.jobs.models import Job

    job = Job.objects.get(pk=response["Location"].split("job=")[1])  # the page follows the job
    run_id = job.object_id
    assert job.state == "done" and job.actor == "u-analyst"
    assert (event.actor, event.object_id) == ("u-analyst", run_id)
    assert event.changes["scenario"] == "tiny" and event.changes["runs"] == 5


def test_the_api_lists_a_run_with_its_summaries(page_home) -> None:
    from oneworkforce.jobs.models import Job

    analyst = _client("analyst")
    response = analyst.post("/planning/run/", {"scenario": "tiny", "runs": "5"})
    run_id = Job.objects.get(pk=response["Location"].split("job=")[1]).object_id
    runs = analyst.get("/api/v1/planning/runs").json()
    assert [r["meta"]["run_id"] for r in runs] == [run_id]
    assert runs[0]["meta"]["runs"] == 5
    # a 2-year horizon: rows for years 1 and 2
    assert {row["year"] for row in runs[0]["summaries"]} == {1, 2}
    assert analyst.get(f"/api/v1/planning/runs?run={run_id}").json() == runs


def test_the_compared_scenarios_download_as_on_the_page(page_home) -> None:
    import csv
    import io

    from python_calamine import CalamineWorkbook

    analyst = _client("analyst")
    response = analyst.post("/planning/run/", {"scenario": "tiny", "runs": "5"})
    following = analyst.get(response["Location"]).content.decode()
    link = re.search(r'href="(/planning/\?run=[^"]+)" id="job-object"', following).group(1)
    link = link.replace("&amp;", "&")
    html = analyst.get(link).content.decode()
    assert "&amp;download=csv" in html and "&amp;download=xlsx" in html
    rows = list(csv.reader(io.StringIO(analyst.get(link + "&download=csv").content.decode())))
    assert rows[0] == ["Workforce plan: whole system by year"]
    assert rows[1][:6] == [
        "Scenario",
        "Run",
        "Year ending",
        "Supply (FTE), median",
        "Supply (FTE), 10th percentile",
        "Supply (FTE), 90th percentile",
    ]
    body = rows[2:]
    assert len(body) == 2  # the tiny scenario's horizon is two years
    assert {r[0] for r in body} == {"Tiny plan"}
    # each row's figures are those the page's table shows: "median (10th to 90th)"
    for r in body:
        supply = f"{float(r[3]):,.0f} ({float(r[4]):,.0f} to {float(r[5]):,.0f})"
        assert f">{supply}</td>" in html
        assert float(r[4]) <= float(r[3]) <= float(r[5])
        assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", r[2])  # "March 2026", as the page reads
        # cost in whole pounds, no float noise
        assert r[12] == str(int(r[12]))
    xlsx = analyst.get(link + "&download=xlsx")
    table = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    values = table.to_python()
    assert values[2][3] == pytest.approx(float(body[0][3]))  # a number, not text


def test_compared_runs_are_summed_up_at_a_glance_with_their_details_folded(page_home) -> None:
    # two runs compared: one line each at the top with the final year's gap (the last row of
    # the run's own table), and each run's tables folded away under its heading
    analyst = _client("analyst")
    ids = []
    for runs in ("5", "6"):
        following = analyst.get(
            analyst.post("/planning/run/", {"scenario": "tiny", "runs": runs})["Location"]
        ).content.decode()
        link = re.search(r'href="/planning/\?run=([^"&]+)" id="job-object"', following)
        ids.append(link.group(1))
    html = analyst.get("/planning/", {"run": ids}).content.decode()
    glance = html[
        html.index('id="at-a-glance"') : html.index("</table>", html.index("at-a-glance"))
    ]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">\s*<th scope=\"row\".*?</tr>", glance, re.S)
    assert len(rows) == 2
    for run_id, row in zip(ids, rows, strict=True):
        assert f'href="#{run_id}"' in row
        cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]*)</td>', row)
        # the run's own table: its last year's row, the same gap, do-nothing gap and cost
        own = html[html.index(f'<h2 id="{run_id}">') :]
        own = own[: own.index("</table>")]
        last = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", own, re.S)[-1]
        figures = re.findall(r'nhsuk-table__cell--numeric">([^<]*)</td>', last)
        assert cells[1:] == [figures[2], figures[3], figures[4]]  # gap, do nothing, cost
    assert html.count('<details class="nhsuk-details">') == 2  # folded: more than one run
