"""Freezing a pack: storing its manifest and content once, and reading them back unchanged.

This is the actions layer for packs: every write goes through :func:`make` in one
transaction with its audit event. Nothing here renders; rendering reads the frozen content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from oneworkforce.config import Home
from oneworkforce.reports import content as content_builder
from oneworkforce.reports import inputs as pack_inputs
from oneworkforce.reports.models import BoardPack
from oneworkforce.reports.options import PackOptions


class PackNotFound(LookupError):
    pass


class PackCorrupt(RuntimeError):
    """The stored content no longer matches the hash taken when it was frozen."""


def canonical(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(content: Any) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def make(
    home: Home, options: PackOptions, *, actor: str, now: dt.datetime | None = None
) -> BoardPack:
    """Build a pack from the current data and freeze it."""
    from oneworkforce.audit import trail

    created_at = now or timezone.now()
    inputs = pack_inputs.read(
        home,
        period=options.period,
        public=options.public,
        plan_runs=options.plan_runs,
        meeting=options.meeting,
        meeting_date=options.meeting_date,
    )
    content, manifest = content_builder.build(
        inputs, options, created_by=actor, created_at=created_at
    )
    # what is stored is exactly what a later read returns (JSON round trip, no Python types)
    content = json.loads(canonical(content))
    manifest = json.loads(canonical(manifest))
    with transaction.atomic():
        pack = BoardPack.objects.create(
            period=inputs.period,
            title=options.title,
            meeting=options.meeting,
            created_at=created_at,
            created_by=actor,
            public=options.public,
            manifest=manifest,
            content=content,
            content_sha256=sha256(content),
        )
        trail.record(
            actor,
            "create",
            "board_pack",
            pack.id,
            {
                "period": [None, pack.period],
                "public": [None, pack.public],
                "content_sha256": [None, pack.content_sha256],
                "data_version": [None, manifest["results"]["data_version"]],
            },
        )
    return pack


def load(pack_id: str) -> BoardPack:
    """A stored pack, checked against its hash."""
    from django.core.exceptions import ValidationError

    try:
        pack = BoardPack.objects.get(pk=pack_id)
    except (BoardPack.DoesNotExist, ValidationError, ValueError) as exc:
        raise PackNotFound(f"there is no pack {pack_id!r}") from exc
    if sha256(pack.content) != pack.content_sha256:
        raise PackCorrupt(f"pack {pack_id} has changed since it was frozen")
    return pack
