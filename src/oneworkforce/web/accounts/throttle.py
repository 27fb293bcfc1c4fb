"""Password spraying: one password tried against many user names from one client address.

django-axes locks a user name from one address after repeated failures (so one address
cannot lock out everyone behind it); this counts, in the shared cache, the distinct user names
each refused password was tried for from one address, and pauses that password from that
address once it reaches ``SPRAY_LIMIT``. Only a keyed hash of the password is kept.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from oneworkforce.web.accounts.addresses import client_address


def _key(request, password: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), password.encode(), hashlib.sha256)
    return f"spray:{client_address(request)}:{digest.hexdigest()[:32]}"


def _cooloff_seconds() -> int:
    return int(float(settings.AXES_COOLOFF_TIME) * 3600)


def refused(request, username: str, password: str) -> None:
    """Count a refused password for a user name."""
    if not password:
        return
    key = _key(request, password)
    names = set(cache.get(key) or ())
    names.add(hashlib.sha256(username.lower().encode()).hexdigest()[:16])
    cache.set(key, names, _cooloff_seconds())


def paused(request, password: str) -> bool:
    """True when this password has been refused for too many user names from this address."""
    if not password:
        return False
    return len(cache.get(_key(request, password)) or ()) >= settings.SPRAY_LIMIT
