"""PDF: the pack's HTML laid out on A4 by WeasyPrint, tagged (PDF/UA-1) for screen readers,
with page numbers, a table of contents with page references and bookmarks from headings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oneworkforce.reports.render import html


def write(content: Mapping[str, Any], manifest: Mapping[str, Any], path: Path) -> None:
    import weasyprint

    document = html.document(content, manifest, paged=True)
    weasyprint.HTML(string=document, base_url=str(path.parent)).write_pdf(
        str(path), pdf_variant="pdf/ua-1"
    )
