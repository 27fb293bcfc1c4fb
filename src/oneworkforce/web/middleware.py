"""Request middleware: the user's access scope, and security headers Django does not set."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from oneworkforce.web.access import scope_for
from oneworkforce.web.viewer import answering


def _provider_origin() -> str:
    """The OpenID Connect provider's origin: sign-in and sign-out forms redirect there."""
    from urllib.parse import urlsplit

    from django.conf import settings

    issuer = (
        getattr(settings, "OIDC_ISSUER", "") if getattr(settings, "OIDC_ENABLED", False) else ""
    )
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


#: scripts and styles only from this site; Vega compiles chart expressions, hence unsafe-eval.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' https://assets.nhs.uk",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        " ".join(
            [
                "form-action 'self'",
                *sorted({"https://login.microsoftonline.com", _provider_origin()} - {""}),
            ]
        ),
        "base-uri 'self'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        with answering(request):
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
