"""The metric reference in docs/ is the one the catalogue generates."""

from pathlib import Path

from oneworkforce.metrics import CATALOGUE
from oneworkforce.metrics.catalogue_doc import render_markdown


def test_docs_metrics_is_up_to_date():
    committed = (Path(__file__).parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), (
        "docs/metrics.md is stale: python -m oneworkforce.metrics.catalogue_doc > docs/metrics.md"
    )


def test_every_metric_is_documented_with_its_official_source():
    text = render_markdown()
    for metric in CATALOGUE:
        assert f"## `{metric.code}`" in text
        assert metric.source.url in text
