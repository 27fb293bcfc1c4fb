"""Who is calling the API: a signed-in browser session, or a bearer token.

Tokens are made by :func:`oneworkforce.web.accounts.service.issue_token` (``owf_...``); only
their SHA-256 is stored, so a token is looked up by the hash of what the caller sends. A
revoked token, a token of an inactive user, or an unknown token is refused (401).
"""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from oneworkforce.web.accounts.service import hash_token, note_token_use

TOKEN_PREFIX = "owf_"


class TokenAuth(HttpBearer):
    """``Authorization: Bearer owf_...``"""

    openapi_description = "An API token made for a user (``owf_...``); see docs/api.md."

    def authenticate(self, request, token: str):
        from oneworkforce.web.accounts.models import ApiToken

        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        note_token_use(found)
        return found.user


class BrowserSession(SessionAuth):
    """The signed-in session of the pages; CSRF is checked for unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), BrowserSession()]
