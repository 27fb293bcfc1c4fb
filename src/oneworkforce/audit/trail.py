"""Writing to, and reading, the audit trail. Actions layers call :func:`record` inside the
same transaction as the change, so a change and its audit row commit or fail together."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in keys
        if _jsonable(before.get(k)) != _jsonable(after.get(k))
    }


def record(
    actor: str,
    action: str,
    object_type: str,
    object_id: Any,
    changes: Mapping[str, Any] | None = None,
    *,
    organisation: str = "",
    note: str = "",
):
    """Append one audit event. Must run inside the transaction that makes the change."""
    from oneworkforce.audit.models import AuditEvent

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the transaction of the change")
    return AuditEvent.objects.create(
        actor=actor or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        organisation=organisation or "",
        changes=_jsonable(dict(changes or {})),
        note=note,
    )


def history(object_type: str, object_id: Any) -> Iterable:
    from oneworkforce.audit.models import AuditEvent

    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))


def query(
    *,
    since: dt.datetime | None = None,
    actor: str | None = None,
    obj: str | None = None,
    limit: int | None = None,
):
    """Events newest first, filtered: ``obj`` is an object type (``board_pack``) or a type
    and id (``board_pack:1f2e...``)."""
    from oneworkforce.audit.models import AuditEvent

    events = AuditEvent.objects.all()
    if since is not None:
        events = events.filter(at__gte=since)
    if actor:
        events = events.filter(actor=actor)
    if obj:
        kind, _, ident = obj.partition(":")
        events = events.filter(object_type=kind)
        if ident:
            events = events.filter(object_id=ident)
    return events[:limit] if limit else events


def as_dict(event) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "organisation": event.organisation,
        "changes": event.changes,
        "note": event.note,
    }
