"""The client's address, for the sign-in lockouts (django-axes calls this) and the audit trail.

Without a trusted proxy it is the connecting address. Behind the documented reverse proxy,
``ONEWORKFORCE_TRUSTED_PROXY_HEADER`` (e.g. ``X-Forwarded-For``) names the header the proxy
sets and ``ONEWORKFORCE_TRUSTED_PROXY_COUNT`` (default 1) how many proxies in a row append to
it: each appends the address it saw, so the client is that many entries from the right, and
anything a client wrote further left is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address, or ``None`` when the request has none (django-axes stores it in an
    address column, which on PostgreSQL takes only a valid address or nothing)."""
    remote = request.META.get("REMOTE_ADDR") or None
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    entries = [e.strip() for e in request.META.get(header, "").split(",") if e.strip()]
    if len(entries) < count:
        return remote  # not through the proxy chain: the connecting address
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
