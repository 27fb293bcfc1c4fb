"""The read-only API of the registers, planning runs and board packs (issue 13, item 8),
scoped as their pages are."""

from __future__ import annotations

import pytest

from tests.web.test_url_permissions import PACK, site  # noqa: F401  (the metatest's data)

pytestmark = pytest.mark.django_db


def test_registers_read_as_their_export(site, browser_for):  # noqa: F811
    from oneworkforce.registers import exporting, models

    analyst = browser_for("analyst")
    risks = analyst.get("/api/v1/registers/risks")
    assert risks.status_code == 200
    live = models.Risk.objects.filter(archived=False).count()
    assert live > 0 and len(risks.json()) == live
    assert risks.json() == exporting.as_json("risks")  # the CLI's JSON export, field for field
    # the full register of interests needs view_declarations, which a data lead does not have
    lead = browser_for("org_data_lead")
    assert lead.get("/api/v1/registers/risks").status_code == 200
    assert lead.get("/api/v1/registers/declarations").status_code == 403
    assert browser_for("board").get("/api/v1/registers/declarations").status_code == 200
    assert browser_for("viewer").get("/api/v1/registers/risks").status_code == 403
    assert analyst.get("/api/v1/registers/people").status_code == 422  # not a register


def test_packs_list_what_the_role_may_read(site, browser_for):  # noqa: F811
    # the site fixture froze one full and one public pack
    board = {p["id"]: p["public"] for p in browser_for("board").get("/api/v1/packs").json()}
    assert board == {PACK["full"]: False, PACK["public"]: True}
    viewer = browser_for("viewer").get("/api/v1/packs").json()
    assert [p["id"] for p in viewer] == [PACK["public"]]  # published packs only


def test_planning_runs_need_view_plans(site, browser_for):  # noqa: F811
    assert browser_for("viewer").get("/api/v1/planning/runs").status_code == 403
    answer = browser_for("board").get("/api/v1/planning/runs?run=no-such-run")
    assert answer.status_code == 200 and answer.json() == []
