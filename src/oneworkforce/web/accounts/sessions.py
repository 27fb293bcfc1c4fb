"""The session engine: each session is a database row that names its user, read through the
shared cache (``CACHES["default"]``: Redis, or files in the data directory).

Because the cache is shared by every worker and app server, deleting a session (sign-out)
removes it for all of them at once; because the row names its user, every session of a user
can be ended (:func:`oneworkforce.web.accounts.service.end_sessions`) on a password change,
a deactivation, a role change or "sign out everywhere".
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class SessionStore(CachedDBStore):
    cache_key_prefix = "oneworkforce.session:"

    @classmethod
    def get_model_class(cls):
        from oneworkforce.web.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj
