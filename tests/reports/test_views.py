"""The packs pages: who sees what, making a pack from the web, downloads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oneworkforce.reports import freeze
from oneworkforce.reports.models import BoardPack
from oneworkforce.reports.options import PackOptions
from oneworkforce.web.accounts.service import create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(db):
    def make(role: str) -> Client:
        user = create_user(role, role, password=None)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def packs(pack_home, registers):
    full = freeze.make(pack_home.home, PackOptions(), actor="analyst")
    public = freeze.make(pack_home.home, PackOptions(public=True), actor="analyst")
    return full, public


def test_list_needs_sign_in_and_view_packs(packs, client_for):
    assert Client().get(reverse("reports:packs")).status_code == 302
    assert client_for("viewer").get(reverse("reports:packs")).status_code == 403
    board = client_for("board").get(reverse("reports:packs"))
    assert board.status_code == 200
    assert b"Make and freeze the pack" not in board.content  # board members read, not make
    analyst = client_for("analyst").get(reverse("reports:packs"))
    assert b"Make and freeze the pack" in analyst.content
    assert analyst.content.count(b'href="/packs/') >= 2


def test_viewer_reads_public_packs_only(packs, client_for):
    full, public = packs
    viewer = client_for("viewer")
    listing = viewer.get(reverse("reports:public_packs"))
    assert listing.status_code == 200
    assert (
        str(public.id).encode() in listing.content and str(full.id).encode() not in listing.content
    )
    assert viewer.get(reverse("reports:detail", args=[public.id])).status_code == 200
    assert viewer.get(reverse("reports:detail", args=[full.id])).status_code == 403
    ok = viewer.get(reverse("reports:download", args=[public.id, "xlsx"]))
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/vnd.openxml")
    assert b"".join(ok.streaming_content)[:2] == b"PK"  # a zip: the XLSX itself
    for close in ok._resource_closers:  # the file only: response.close() would also end
        close()  # the test's database connection (request_finished)
    assert viewer.get(reverse("reports:download", args=[full.id, "html"])).status_code == 403


def test_detail_page_shows_the_frozen_content(packs, client_for):
    full, _ = packs
    page = client_for("board").get(reverse("reports:detail", args=[full.id])).content.decode()
    for section in full.content["sections"]:
        assert f">{section['title']}</h2>" in page.replace("&#x27;", "'")
    assert 'data-chart="chart-spc_staff_in_post_fte"' in page
    assert 'id="chart-spc_staff_in_post_fte"' in page  # the Vega-Lite spec for the page


def test_analyst_makes_a_pack_and_others_cannot(pack_home, registers, client_for):
    url = reverse("reports:create")
    assert client_for("board").post(url, {"title": "x"}).status_code == 403
    response = client_for("analyst").post(
        url, {"title": "Workforce paper", "action_required": "Information", "public": "1"}
    )
    assert response.status_code == 302  # to the packs page, following the pack's job
    pack = BoardPack.objects.get()  # the tests' queue runs the job at once
    assert pack.public and pack.created_by == "analyst" and pack.title == "Workforce paper"
    following = client_for("analyst").get(response["Location"]).content.decode()
    assert "Pack made and frozen" in following
    assert f'href="{reverse("reports:detail", args=[pack.id])}" id="job-object"' in following
    bad = client_for("analyst").post(url, {"period": "2024-13"})
    assert bad.status_code == 400 and b"YYYY-MM" in bad.content
    assert client_for("analyst").get(url).status_code == 405
