"""Renderers: each turns a frozen pack's content into one file format, reading nothing else.

``render(content, manifest, out_dir, formats)`` writes the files and returns their paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FORMATS = ("pdf", "docx", "xlsx", "html")


def file_stem(content: Mapping[str, Any]) -> str:
    kind = "-public" if content.get("public") else ""
    return f"workforce-pack-{content['period']}{kind}"


def check_formats(formats: Iterable[str]) -> list[str]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; use {', '.join(FORMATS)}")
    return list(dict.fromkeys(wanted)) or list(FORMATS)


def render(
    content: Mapping[str, Any],
    manifest: Mapping[str, Any],
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
) -> dict[str, Path]:
    """Write each format to ``out_dir`` (created); returns ``{format: path}``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(content)
    wanted = check_formats(formats)
    paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in wanted}
    for fmt in wanted:
        _write(fmt, content, manifest, paths[fmt])
    return paths


def _write(fmt: str, content: Mapping[str, Any], manifest: Mapping[str, Any], path: Path) -> None:
    import importlib

    writer = importlib.import_module(f"oneworkforce.reports.render.{fmt}")
    tmp = path.with_name(f".{path.name}.tmp")
    writer.write(content, manifest, tmp)
    os.replace(tmp, path)
