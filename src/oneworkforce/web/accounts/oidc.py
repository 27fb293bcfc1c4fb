"""Sign-in through an organisation's OpenID Connect provider (Entra ID for NHS mail).

A first sign-in creates a user named by their e-mail address with the ``viewer`` role; an
administrator grants more (``oneworkforce createuser EMAIL --role ...``). Only addresses in
``ONEWORKFORCE_OIDC_EMAIL_DOMAINS`` (default ``nhs.net``) may sign in this way.
"""

from __future__ import annotations

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from oneworkforce.web.accounts.service import create_oidc_user


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        email = (claims.get("email") or claims.get("preferred_username") or "").lower()
        domain = email.rpartition("@")[2]
        return bool(email) and domain in settings.OIDC_ALLOWED_EMAIL_DOMAINS

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or claims.get("preferred_username") or "").lower()
        return self.UserModel.objects.filter(username=email)

    def create_user(self, claims):
        email = (claims.get("email") or claims.get("preferred_username") or "").lower()
        return create_oidc_user(
            email, claims.get("given_name", "")[:150], claims.get("family_name", "")[:150]
        )
