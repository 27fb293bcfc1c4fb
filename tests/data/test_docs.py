"""The formats reference in docs/ is the one the code generates."""

from pathlib import Path

from oneworkforce.data.formats_doc import render_markdown


def test_docs_formats_is_up_to_date():
    committed = (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "docs/formats.md is stale: python -m oneworkforce.data.formats_doc > docs/formats.md"
    )
