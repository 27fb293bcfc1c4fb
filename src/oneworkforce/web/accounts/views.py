"""Signing in and out, the account page, and each role's start page.

A sign-in and a sign-out each run in one transaction with their audit event: the session row
is written (or deleted) inside it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from oneworkforce.web.access import Permission
from oneworkforce.web.accounts import service, throttle
from oneworkforce.web.accounts.addresses import client_address
from oneworkforce.web.context import landing_url
from oneworkforce.web.decorators import requires

log = logging.getLogger("oneworkforce.accounts")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        password = request.POST.get("password", "")
        if throttle.paused(request, password):
            log.warning(
                "sign-in paused: one password refused for many names from %s",
                client_address(request),
            )
            service.sign_in_refused(
                request.POST.get("username", "")[:150],
                via="password",
                reason="paused",
                detail="one password refused for many user names from this address",
                client=client_address(request) or "",
            )
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        throttle.refused(self.request, username, self.request.POST.get("password", ""))
        if getattr(self.request, "axes_locked_out", False):
            return super().form_invalid(form)  # audited as "locked" (accounts.signals)
        service.sign_in_refused(
            username[:150],
            via="password",
            reason="password",
            detail="user name or password not accepted",
            client=client_address(self.request) or "",
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        signed_in(self.request, form.get_user(), via="password")
        return HttpResponseRedirect(self.get_success_url())


def signed_in(request, user, *, via: str) -> None:
    service.sign_in(request, user, via=via, client=client_address(request) or "")


@require_POST
def logout(request):
    """Sign out here and, for an NHS mail sign-in, at the provider too (where it offers
    RP-initiated logout): the provider's session would otherwise sign the person straight
    back in."""
    target = settings.LOGOUT_REDIRECT_URL
    if (
        request.user.is_authenticated
        and request.session.get("oidc_id_token")
        and settings.OIDC_ENABLED
    ):
        from oneworkforce.web.accounts.oidc import end_session_url

        target = end_session_url(request) or target
    service.sign_out(request)
    return HttpResponseRedirect(target)


@requires(Permission.VIEW_PUBLISHED)  # every signed-in user
def account(request):
    from oneworkforce.web.accounts.models import UserSession

    sessions = UserSession.objects.filter(user_id=request.user.pk).count()
    return render(request, "registration/account.html", {"sessions": sessions})


@requires(Permission.VIEW_PUBLISHED)  # every signed-in user
@require_POST
def sign_out_everywhere(request):
    user = request.user
    service.end_sessions(user.pk, actor=user.get_username(), action="user.sign_out_everywhere")
    messages.info(request, "You have been signed out on every device.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@requires(Permission.VIEW_PUBLISHED)  # every signed-in user
def start(request):
    """Each role's first page: the first page of the menu it may see."""
    return redirect(landing_url(request))


# --- OpenID Connect ------------------------------------------------------------------------

#: kind of failure -> (heading, what happened, what to do)
FAILURES = {
    "refused": (
        "Your address cannot sign in here",
        "You signed in with {email}, but only addresses ending in {domains} may use "
        "OneWorkforce through NHS mail.",
        "Sign in with your NHS mail address, or ask your OneWorkforce administrator for an "
        "account.",
    ),
    "cancelled": (
        "Sign-in was cancelled",
        "The sign-in with NHS mail was stopped before it finished ({detail}).",
        "Sign in again when you are ready.",
    ),
    "unreachable": (
        "NHS mail sign-in is not available",
        "OneWorkforce could not reach the sign-in service.",
        "Try again in a few minutes. If it keeps happening, tell your OneWorkforce "
        "administrator; people with a local account can still sign in with it.",
    ),
    "slow": (
        "NHS mail sign-in is not answering",
        "The sign-in service did not answer in time.",
        "Try again in a few minutes. If it keeps happening, tell your OneWorkforce "
        "administrator; people with a local account can still sign in with it.",
    ),
    "provider_error": (
        "NHS mail sign-in did not work",
        "The sign-in service gave an answer OneWorkforce could not use.",
        "Try again. If it keeps happening, tell your OneWorkforce administrator.",
    ),
    "bad_token": (
        "NHS mail sign-in could not be checked",
        "The proof of sign-in from the sign-in service failed OneWorkforce's checks, so you "
        "were not signed in.",
        "Sign in again. If it keeps happening, tell your OneWorkforce administrator.",
    ),
    "expired": (
        "Your sign-in took too long",
        "The sign-in was started too long ago, or in another browser.",
        "Sign in again from this browser.",
    ),
    "inactive": (
        "Your account is switched off",
        "Your OneWorkforce account has been deactivated.",
        "Ask your OneWorkforce administrator if you need access again.",
    ),
    "locked": (
        "Too many sign-in attempts",
        "Sign-in for {email} from your network is paused for 15 minutes after repeated refusals.",
        "Try again later, or ask your OneWorkforce administrator.",
    ),
}


def sign_in_failed(request, kind: str, detail: str = "", email: str = ""):
    """The page for a sign-in that did not happen, logged (one line) and audited."""
    heading, what, todo = FAILURES[kind]
    domains = " or ".join(f"@{d}" for d in settings.OIDC_ALLOWED_EMAIL_DOMAINS)
    what = what.format(email=email or "that address", domains=domains, detail=detail)
    log.warning("NHS mail sign-in failed (%s) from %s: %s", kind, client_address(request), detail)
    service.sign_in_refused(email, reason=kind, detail=detail, client=client_address(request) or "")
    status = 429 if kind == "locked" else 403 if kind in ("refused", "inactive") else 400
    if kind in ("unreachable", "slow", "provider_error"):
        status = 503
    return render(
        request,
        "registration/sign_in_failed.html",
        {"heading": heading, "what": what, "todo": todo, "kind": kind},
        status=status,
    )


class OIDCStart(oidc_views.OIDCAuthenticationRequestView):
    """Send the browser to the provider (state, nonce and PKCE are mozilla-django-oidc's)."""

    def __init__(self, *args, **kwargs):  # the endpoint is discovered when used
        from django.views.generic import View

        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = getattr(settings, "OIDC_RP_CLIENT_ID", "")

    def get(self, request):
        from oneworkforce.web.accounts.oidc import SignInFailure, discovery

        if not settings.OIDC_ENABLED:
            raise Http404("sign-in with NHS mail is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except SignInFailure as exc:
            return sign_in_failed(request, exc.kind, exc.detail)
        return super().get(request)


class OIDCCallback(oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer: a signed-in user on their start page, or a page saying what
    went wrong and what to do."""

    def get(self, request):
        from oneworkforce.web.accounts.oidc import OrganisationOIDCBackend, SignInFailure

        if not settings.OIDC_ENABLED:
            raise Http404("sign-in with NHS mail is not configured")
        if error := request.GET.get("error"):
            states = request.session.get("oidc_states", {})
            if request.GET.get("state") in states:
                del states[request.GET["state"]]
                request.session["oidc_states"] = states
            kind = "cancelled" if error in ("access_denied", "login_required") else "provider_error"
            return sign_in_failed(request, kind, error[:100])
        state, code = request.GET.get("state"), request.GET.get("code")
        states = request.session.get("oidc_states") or {}
        if not state or not code or state not in states:
            return sign_in_failed(request, "expired", "no matching sign-in in this session")
        started = states.pop(state)  # used once: a replayed answer finds no state
        request.session["oidc_states"] = states
        backend = OrganisationOIDCBackend()
        try:
            user = backend.authenticate(
                request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier")
            )
        except SignInFailure as exc:
            return sign_in_failed(request, exc.kind, exc.detail, exc.email)
        if user is None:
            return sign_in_failed(request, "bad_token", "no user from the provider's answer")
        if not user.is_active:
            return sign_in_failed(request, "inactive", "", user.get_username())
        user.backend = "oneworkforce.web.accounts.oidc.OrganisationOIDCBackend"
        self.user = user
        signed_in(request, user, via="oidc")
        next_url = request.session.pop("oidc_login_next", None)
        return HttpResponseRedirect(next_url or settings.LOGIN_REDIRECT_URL)
