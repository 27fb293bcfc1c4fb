"""The demo's tables in the terminal (``oneworkforce demo``) speak as the pages do: months and
segments in words, and headings that do not break inside a word. On the story data of
tests/web/conftest.py, whose figures are worked out by hand there."""

from __future__ import annotations

from oneworkforce.cli import demo
from oneworkforce.cli.common import out
from oneworkforce.data.lake import Lake


def _printed(call) -> str:
    with out.capture() as captured:
        call()
    return captured.get()


def test_what_was_loaded_names_datasets_segments_and_months_in_words(story):
    text = _printed(lambda: demo._summary(Lake(story)))
    assert "Staff in post " in text and "Sickness absence" in text
    assert "Person-level staff in post, June 2024" in text
    assert "Secondary care" in text and "NHS community services" in text
    # the raw codes of the files are not what a reader is shown
    for code in ("staff_in_post", "secondary_care", "nhs_community", "2024-06"):
        assert code not in text


def test_the_people_story_in_the_terminal_has_its_month_in_words(story):
    text = _printed(lambda: demo._people_story(story))
    assert "People Story, June 2024" in text
    assert "2024-06" not in text
    row = next(line for line in text.splitlines() if "Secondary" in line)
    assert "4.0" in row and "4.7%" in row  # FTE and sickness of RZA, by hand
    # each heading stays whole on its line
    for heading in ("Vacancy", "Sickness", "Agency", "Turnover", "Leavers"):
        assert heading in text


def test_staff_in_post_by_segment_counts_the_partners_only(importer, tmp_path):
    """As every figure does: a neighbouring trust's staff (RXX, not a partner, in the sample
    register) are in the lake for peer comparisons, not in the ICS's staff in post."""
    from tests.data.samples import SAMPLES, write

    rza = [dict(r, fte=1.0) for r in SAMPLES["staff_in_post"] if r["org_code"] == "RZA"][:1]
    rxx = [dict(r, org_code="RXX", person_id="n1", assignment_id="n1", fte=0.5) for r in rza]
    result = importer.import_file("staff_in_post", write(tmp_path / "sip.csv", rza + rxx))
    assert result.status == "accepted", result.report.summary()
    text = _printed(lambda: demo._summary(importer.lake))
    row = next(line for line in text.splitlines() if "Secondary care" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == ["Secondary care", "1", "1", "1.0"]  # RZA's one person, not RXX's
