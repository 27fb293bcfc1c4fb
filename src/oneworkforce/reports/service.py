"""Making, listing and rendering packs: what the command line and the web pages call.

Rendered files are kept under ``<home>/packs/<pack id>/``; they can always be made again
from the frozen content, which is what :func:`render_stored` does.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oneworkforce.config import Home
from oneworkforce.reports import freeze
from oneworkforce.reports.models import BoardPack
from oneworkforce.reports.options import PackOptions
from oneworkforce.reports.render import FORMATS, check_formats, file_stem, render


def pack_dir(home: Home, pack: BoardPack) -> Path:
    return home.root / "packs" / str(pack.id)


def summary(pack: BoardPack) -> dict[str, Any]:
    return {
        "id": str(pack.id),
        "period": pack.period,
        "title": pack.title,
        "meeting": pack.meeting,
        "public": pack.public,
        "created_at": pack.created_at.isoformat(),
        "created_by": pack.created_by,
        "data_version": pack.manifest["results"]["data_version"],
        "content_sha256": pack.content_sha256,
    }


def create(
    home: Home,
    options: PackOptions,
    *,
    actor: str,
    formats: Iterable[str] = FORMATS,
    out: Path | None = None,
) -> tuple[BoardPack, dict[str, Path]]:
    """Make and freeze a pack from the current data, then render it."""
    wanted = check_formats(formats)
    pack = freeze.make(home, options, actor=actor)
    return pack, render_stored(home, pack, wanted, out=out)


def has_results(home: Home) -> bool:
    """Whether there are stored results to make a pack from (a quick check for the form)."""
    from oneworkforce.metrics.store import ResultsStore

    return ResultsStore(home.lake).index() is not None


def render_stored(
    home: Home, pack: BoardPack, formats: Iterable[str] = FORMATS, *, out: Path | None = None
) -> dict[str, Path]:
    """Render a frozen pack (from its stored content only) into the packs folder, and copy the
    files to ``out`` when given."""
    files = render(pack.content, pack.manifest, pack_dir(home, pack), formats)
    if out is None:
        return files
    out.mkdir(parents=True, exist_ok=True)
    copied = {}
    for fmt, path in files.items():
        target = out / path.name
        shutil.copyfile(path, target)
        copied[fmt] = target
    return copied


def stored_file(home: Home, pack: BoardPack, fmt: str) -> Path:
    """One rendered file of a pack, rendered again from the frozen content if it is missing."""
    (fmt,) = check_formats([fmt])
    path = pack_dir(home, pack) / f"{file_stem(pack.content)}.{fmt}"
    if not path.exists():
        render_stored(home, pack, [fmt])
    return path


def listing(public: bool | None = None) -> list[BoardPack]:
    packs = BoardPack.objects.defer("content").order_by("-created_at")
    if public is not None:
        packs = packs.filter(public=public)
    return list(packs)
