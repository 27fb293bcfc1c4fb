"""Sign-in through an organisation's OpenID Connect provider (NHS mail through Entra ID, or
any other provider).

Configuration is the issuer and the client: ``ONEWORKFORCE_OIDC_ISSUER`` (or, for Entra ID,
``ONEWORKFORCE_OIDC_ENTRA_TENANT``), ``ONEWORKFORCE_OIDC_CLIENT_ID`` and
``ONEWORKFORCE_OIDC_CLIENT_SECRET``. The endpoints come from the issuer's
``/.well-known/openid-configuration``, kept in the shared cache for an hour; the provider's
keys are kept the same way and fetched again when a token names a key not among them (a key
rotation). mozilla-django-oidc runs the code flow (state, nonce, PKCE); this module gives it
the discovered endpoints, checks each ID token's signature, issuer, audience and expiry, and
turns every failure into a :class:`SignInFailure` that the callback shows on a page.

A first sign-in creates a user named by their e-mail address with the ``viewer`` role; an
administrator grants more (``oneworkforce createuser EMAIL --role ...``). Only addresses in
``ONEWORKFORCE_OIDC_EMAIL_DOMAINS`` (default ``nhs.net``) may sign in this way. A refused
address counts towards the lockout of that address from that client (django-axes), never
towards anyone else's.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

log = logging.getLogger("oneworkforce.oidc")

#: how long the discovery document and the keys are kept before being fetched again
DISCOVERY_SECONDS = 60 * 60


class SignInFailure(Exception):
    """A sign-in that did not happen, with the kind of failure the page explains."""

    def __init__(self, kind: str, detail: str = "", *, email: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail
        self.email = email


def _get(url: str) -> dict[str, Any]:
    """GET a JSON document from the provider, with the configured timeouts; proxies come
    from the standard environment variables (requests reads HTTPS_PROXY and NO_PROXY)."""
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        return response.json()
    except requests.exceptions.RequestException as exc:
        raise provider_failure(exc) from None
    except ValueError:
        raise SignInFailure("provider_error", f"{url} did not answer with JSON") from None


def provider_failure(exc: requests.exceptions.RequestException) -> SignInFailure:
    """The kind of failure a call to the provider ended in."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.ReadTimeout):
        return SignInFailure("slow", type(exc).__name__)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SignInFailure("unreachable", type(exc).__name__)
    status = getattr(getattr(exc, "response", None), "status_code", "")
    return SignInFailure("provider_error", f"{type(exc).__name__} {status}".strip())


def _cache_key(kind: str, url: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:24]}"


def discovery(*, refresh: bool = False) -> dict[str, Any]:
    """The issuer's discovery document (cached); its ``issuer`` must be the configured one."""
    issuer = settings.OIDC_ISSUER
    url = f"{issuer}/.well-known/openid-configuration"
    key = _cache_key("discovery", url)
    doc = None if refresh else cache.get(key)
    if doc is None:
        doc = _get(url)
        if str(doc.get("issuer", "")).rstrip("/") != issuer:
            raise SignInFailure(
                "provider_error", f"the discovery document names issuer {doc.get('issuer')!r}"
            )
        missing = [
            k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if k not in doc
        ]
        if missing:
            raise SignInFailure("provider_error", f"discovery document lacks {missing}")
        cache.set(key, doc, DISCOVERY_SECONDS)
    return doc


def signing_keys(*, refresh: bool = False) -> list[dict[str, Any]]:
    """The provider's public keys (cached; ``refresh`` after a key rotation)."""
    url = discovery(refresh=refresh)["jwks_uri"]
    key = _cache_key("jwks", url)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = list(_get(url).get("keys", []))
        cache.set(key, keys, DISCOVERY_SECONDS)
    return keys


def end_session_url(request) -> str | None:
    """Where to send the browser so the provider's session ends too (RP-initiated logout),
    or ``None`` when the provider offers no end-session endpoint or cannot be reached."""
    from urllib.parse import urlencode

    try:
        endpoint = discovery().get("end_session_endpoint")
    except SignInFailure as exc:
        log.warning("provider sign-out skipped: %s", exc)
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(settings.LOGOUT_REDIRECT_URL),
    }
    if id_token := request.session.get("oidc_id_token"):
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


def claimed_email(claims: dict[str, Any]) -> str:
    return str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with discovered endpoints and full ID token checks."""

    def __init__(self, *args, **kwargs):  # endpoints are discovered, not configured
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        return discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return discovery()["jwks_uri"]

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except requests.exceptions.HTTPError as exc:  # e.g. invalid_grant: a used code
            raise SignInFailure(
                "bad_token", f"token endpoint said {exc.response.status_code}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise provider_failure(exc) from None

    def retrieve_matching_jwk(self, token):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise SignInFailure("bad_token", f"unreadable ID token: {exc}") from None
        for refresh in (False, True):  # a key not among the cached ones: fetch them again
            for jwk in signing_keys(refresh=refresh):
                if jwk.get("kid") == header.get("kid") and jwk.get(
                    "alg", header.get("alg")
                ) == header.get("alg"):
                    return jwt.PyJWK(jwk)
        raise SignInFailure(
            "bad_token", f"the ID token's key {header.get('kid')!r} is not the provider's"
        )

    def _verify_jws(self, payload, key):
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=60,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SignInFailure("bad_token", f"{type(exc).__name__}: {exc}") from None

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:  # the nonce did not match
            raise SignInFailure("bad_token", str(exc)) from None

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; the user-info endpoint only when they carry no address."""
        claims = dict(payload)
        if not claimed_email(claims) and self.OIDC_OP_USER_ENDPOINT:
            try:
                info = super().get_userinfo(access_token, id_token, payload)
            except requests.exceptions.RequestException as exc:
                raise provider_failure(exc) from None
            if info.get("sub") != payload.get("sub"):
                raise SignInFailure("bad_token", "user info is for another subject")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claimed_email(claims)
        credentials = {"username": email}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise SignInFailure("locked", email=email)
        if not self.verify_claims(claims):
            user_login_failed.send(__name__, credentials=credentials, request=self.request)
            raise SignInFailure("refused", f"address {email!r}", email=email)
        users = self.filter_users_by_claims(claims)
        if len(users) == 1:
            return self.update_user(users[0], claims)
        return self.create_user(claims)

    def verify_claims(self, claims):
        email = claimed_email(claims)
        domain = email.rpartition("@")[2]
        return bool(email) and domain in settings.OIDC_ALLOWED_EMAIL_DOMAINS

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=claimed_email(claims))

    def create_user(self, claims):
        from oneworkforce.web.accounts.service import create_oidc_user

        return create_oidc_user(
            claimed_email(claims),
            str(claims.get("given_name", ""))[:150],
            str(claims.get("family_name", ""))[:150],
        )

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
