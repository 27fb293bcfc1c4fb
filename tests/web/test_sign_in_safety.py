"""Sign-in safety (issues 14 item 5 and 16), in process: the client's address behind the
trusted proxy, lockouts that cannot be turned on others, password spraying, sessions ended
when what they were granted on changes, each role's first page, and the ID token checks.
The same behaviour end to end: tests/browser/test_oidc.py and tests/web/test_sessions_served.py.
"""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from oneworkforce.audit.models import AuditEvent
from oneworkforce.web.accounts.addresses import client_address
from oneworkforce.web.accounts.models import UserSession
from oneworkforce.web.accounts.service import create_user, end_sessions
from tests.web.conftest import PEOPLE

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


# --- the client's address -------------------------------------------------------------------


def test_the_address_is_the_connecting_one_unless_a_proxy_header_is_trusted(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(request) == "10.0.0.1"  # no proxy configured: the header is ignored
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    # the proxy appends the address it saw; what the client wrote to the left is ignored
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 81.2.3.4")
    assert client_address(request) == "81.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 2  # two proxies: the client is second from the right
    request = factory.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 81.2.3.4, 10.0.0.9"
    )
    assert client_address(request) == "81.2.3.4"
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(request) == "10.0.0.1"


def test_behind_the_proxy_one_address_cannot_lock_out_another(settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    create_user("ann", "board", password=PASSWORD)
    # every request comes from the proxy (10.0.0.1); the clients differ
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="81.2.3.4")
    for _ in range(5):
        sign_in(attacker, "ann", "wrong-password-here")
    assert sign_in(attacker, "ann").status_code == 429  # (ann, 81.2.3.4) is locked
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="81.2.3.5")
    assert sign_in(colleague, "ann").status_code == 302  # ann from another address is not


def test_one_password_sprayed_over_many_names_is_paused(settings):
    # this test's own cache: another test process may empty the shared one meanwhile
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "spray"}
    }
    settings.SPRAY_LIMIT = 3
    create_user("ann", "board", password=PASSWORD)
    sprayer = Client(REMOTE_ADDR="10.0.0.7")
    for name in ("bob", "cat", "dan"):  # 3 names, 1 failure each: no per-name lockout
        assert sign_in(sprayer, name, "Summer2026!-long").status_code == 200
    assert sign_in(sprayer, "eve", "Summer2026!-long").status_code == 429
    # the same password from another address, and another password from this one, still work
    assert sign_in(Client(REMOTE_ADDR="10.0.0.8"), "fay", "Summer2026!-long").status_code == 200
    assert sign_in(sprayer, "ann").status_code == 302


# --- sessions end when what they were granted on changes ------------------------------------


def signed_in_client(username: str) -> Client:
    client = Client()
    assert sign_in(client, username).status_code == 302
    return client


def test_a_password_change_deactivation_or_role_change_ends_every_session(
    django_capture_on_commit_callbacks,
):
    User = get_user_model()
    for name in ("ann", "bob", "cat"):
        create_user(name, "analyst", password=PASSWORD)
    ann = [signed_in_client("ann"), signed_in_client("ann")]  # two browsers
    bob, cat = signed_in_client("bob"), signed_in_client("cat")
    assert UserSession.objects.filter(user_id=User.objects.get(username="ann").pk).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        user = User.objects.get(username="ann")
        user.set_password("another-long-password-2")
        user.save()
    assert all(c.get("/accounts/").status_code == 302 for c in ann)
    assert not UserSession.objects.filter(user_id=user.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(username="bob").update()  # not a change: nothing ends
        user = User.objects.get(username="bob")
        user.last_name = "Smith"
        user.save()
    assert bob.get("/accounts/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert bob.get("/accounts/").status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        create_user("cat", "board", password=None)  # another role granted
    assert cat.get("/accounts/").status_code == 302


def test_sign_out_everywhere_ends_every_session_and_is_audited():
    create_user("ann", "viewer", password=PASSWORD)
    here, there = signed_in_client("ann"), signed_in_client("ann")
    page = here.get("/accounts/")
    assert b"Sign out everywhere" in page.content and b"2 devices or browsers" in page.content
    assert here.post("/accounts/sign-out-everywhere/").status_code == 302
    assert here.get("/accounts/").status_code == 302 and there.get("/accounts/").status_code == 302
    events = AuditEvent.objects.filter(actor="ann").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["user.sign_in", "user.sign_in", "user.sign_out_everywhere"]


def test_sign_in_and_sign_out_are_audited():
    create_user("ann", "viewer", password=PASSWORD)
    client = signed_in_client("ann")
    client.post("/accounts/logout/")
    events = AuditEvent.objects.filter(actor="ann").order_by("id")
    assert [e.action for e in events] == ["user.sign_in", "user.sign_out"]
    assert events[0].changes["via"] == "password"


def test_end_sessions_leaves_other_users_signed_in():
    ann = create_user("ann", "viewer", password=PASSWORD)
    create_user("bob", "viewer", password=PASSWORD)
    a, b = signed_in_client("ann"), signed_in_client("bob")
    assert end_sessions(ann.pk) == 1
    assert a.get("/accounts/").status_code == 302 and b.get("/accounts/").status_code == 200


# --- every role's first page ------------------------------------------------------------------

#: the first menu entry each role may see (web/context.py NAVIGATION against access.py MATRIX,
#: by hand): People Story needs view_aggregates, which every role but the viewer holds
FIRST_PAGE = {
    "admin": "/",
    "analyst": "/",
    "programme_lead": "/",
    "org_data_lead": "/",
    "other_org_lead": "/",
    "board": "/",
    "viewer": "/published/",
}


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_every_role_lands_on_a_page_it_may_see(person, people, story):
    client = Client()
    client.force_login(people[person])
    landing = client.get("/start/")
    assert landing.status_code == 302 and landing["Location"] == FIRST_PAGE[person]
    assert client.get(landing["Location"]).status_code == 200


def test_the_403_page_links_to_the_start_page(people):
    client = Client()
    client.force_login(people["viewer"])
    refused = client.get("/")
    assert refused.status_code == 403 and b'href="/start/"' in refused.content
    assert client.get("/start/")["Location"] == "/published/"


# --- OpenID Connect: discovery and the ID token checks ---------------------------------------

ISSUER = "https://login.example/tenant/v2.0"


@pytest.fixture
def oidc(settings, monkeypatch):
    """A provider whose discovery document and keys are answered in process."""
    from oneworkforce.web.accounts import oidc as module

    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "oneworkforce"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_TIMEOUT = (1, 1)
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["nhs.net"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    state = {
        "doc": {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/keys",
            "end_session_endpoint": f"{ISSUER}/logout",
        },
        "keys": [{**public, "kid": "k1", "alg": "RS256"}],
        "fetched": [],
    }

    def fake_get(url):
        state["fetched"].append(url)
        if url.endswith("/.well-known/openid-configuration"):
            return state["doc"]
        return {"keys": state["keys"]}

    monkeypatch.setattr(module, "_get", fake_get)
    from django.core.cache import cache

    cache.clear()
    state["key"] = key
    state["module"] = module
    return state


def token(oidc, kid="k1", key=None, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "oneworkforce",
        "sub": "s1",
        "exp": now + 300,
        "iat": now,
        "nonce": "n1",
        "email": "jo@nhs.net",
        **changes,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key or oidc["key"], algorithm="RS256", headers={"kid": kid})


def test_discovery_is_cached_and_must_name_the_configured_issuer(oidc):
    module = oidc["module"]
    assert module.discovery()["token_endpoint"] == f"{ISSUER}/token"
    module.discovery()
    assert len(oidc["fetched"]) == 1  # the second read came from the cache
    oidc["doc"] = {**oidc["doc"], "issuer": "https://evil.example"}
    with pytest.raises(module.SignInFailure) as failure:
        module.discovery(refresh=True)
    assert failure.value.kind == "provider_error"


@pytest.mark.parametrize(
    "changes,accepted",
    [
        ({}, True),
        ({"iss": "https://login.example/other/v2.0"}, False),  # another issuer
        ({"aud": "another-client"}, False),  # another audience
        ({"exp": int(time.time()) - 3600}, False),  # expired an hour ago (leeway is 60 s)
        ({"nonce": "n2"}, False),  # not the nonce this browser was given
        ({"exp": None}, False),  # no expiry at all
    ],
)
def test_id_tokens_are_checked_for_issuer_audience_expiry_and_nonce(oidc, changes, accepted):
    backend = oidc["module"].OrganisationOIDCBackend()
    signed = token(oidc, **changes)
    if accepted:
        assert backend.verify_token(signed, nonce="n1")["email"] == "jo@nhs.net"
    else:
        with pytest.raises(oidc["module"].SignInFailure) as failure:
            backend.verify_token(signed, nonce="n1")
        assert failure.value.kind == "bad_token"


def test_a_token_from_a_rotated_key_fetches_the_keys_again_and_a_foreign_key_is_refused(oidc):
    backend = oidc["module"].OrganisationOIDCBackend()
    assert backend.verify_token(token(oidc), nonce="n1")  # k1 cached
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = jwt.algorithms.RSAAlgorithm.to_jwk(new.public_key(), as_dict=True)
    oidc["keys"] = [*oidc["keys"], {**public, "kid": "k2", "alg": "RS256"}]
    assert backend.verify_token(token(oidc, kid="k2", key=new), nonce="n1")  # refreshed
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(oidc["module"].SignInFailure):  # k1's name, another key
        backend.verify_token(token(oidc, kid="k1", key=impostor), nonce="n1")


def test_refused_addresses_count_against_that_address_only(oidc, rf):
    from oneworkforce.web.accounts.views import sign_in_failed

    backend = oidc["module"].OrganisationOIDCBackend()
    request = rf.get("/oidc/callback/", REMOTE_ADDR="10.0.0.7")
    request.session = {}
    backend.request = request
    for _ in range(5):
        with pytest.raises(oidc["module"].SignInFailure) as failure:
            backend.get_or_create_user("at", "idt", {"sub": "x", "email": "mallory@gmail.com"})
        assert failure.value.kind == "refused"
    # the sixth from the same address is paused; an NHS mail user from it is not
    with pytest.raises(oidc["module"].SignInFailure) as failure:
        backend.get_or_create_user("at", "idt", {"sub": "x", "email": "mallory@gmail.com"})
    assert failure.value.kind == "locked"
    user = backend.get_or_create_user("at", "idt", {"sub": "y", "email": "jo@nhs.net"})
    assert user.username == "jo@nhs.net"
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"mallory@gmail.com"}
    page = sign_in_failed(request, "refused", "address", "mallory@gmail.com")
    assert page.status_code == 403 and b"mallory@gmail.com" in page.content
    event = AuditEvent.objects.get(action="user.sign_in_failed")
    assert event.changes["reason"] == "refused" and event.changes["client"] == "10.0.0.7"


def test_provider_failures_are_named_for_the_page():
    import requests

    from oneworkforce.web.accounts.oidc import provider_failure

    assert provider_failure(requests.exceptions.ConnectionError()).kind == "unreachable"
    assert provider_failure(requests.exceptions.ConnectTimeout()).kind == "slow"
    assert provider_failure(requests.exceptions.ReadTimeout()).kind == "slow"
    assert provider_failure(requests.exceptions.HTTPError()).kind == "provider_error"


def test_sign_out_sends_an_nhs_mail_user_to_the_providers_end_session(oidc, settings):
    settings.OIDC_ENABLED = True
    user = create_user("jo@nhs.net", "viewer", password=None)
    client = Client()
    client.force_login(user)
    session = client.session
    session["oidc_id_token"] = "the-id-token"
    session.save()
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"{ISSUER}/logout?")
    assert "id_token_hint=the-id-token" in answer["Location"]
    assert (
        "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F"
        in answer["Location"]
    )
    assert client.get("/accounts/").status_code == 302


def test_a_cancelled_or_stale_nhs_mail_sign_in_ends_on_a_page_that_says_so(oidc, settings):
    settings.OIDC_ENABLED = True
    client = Client()
    cancelled = client.get("/oidc/callback/?error=access_denied&state=abc")
    assert cancelled.status_code == 400
    assert b"Sign-in was cancelled" in cancelled.content
    assert b'href="/accounts/login/"' in cancelled.content  # back to sign in
    stale = client.get("/oidc/callback/?code=c&state=never-started")
    assert stale.status_code == 400 and b"Your sign-in took too long" in stale.content
    reasons = list(
        AuditEvent.objects.filter(action="user.sign_in_failed")
        .order_by("id")
        .values_list("changes__reason", flat=True)
    )
    assert reasons == ["cancelled", "expired"]


def test_the_nhs_mail_pages_are_not_there_unless_configured(settings):
    settings.OIDC_ENABLED = False
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/").status_code == 404


def test_nhs_mail_sign_in_sends_state_nonce_and_pkce(oidc, settings):
    settings.OIDC_ENABLED = True
    answer = Client().get("/oidc/authenticate/")
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    for part in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256", "profile"):
        assert part in location, part


# --- refused local sign-ins are on the audit trail ------------------------------------------


def refusals() -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(action="user.sign_in_failed").order_by("id")
    return [(e.actor, e.changes["via"], e.changes["reason"]) for e in events]


def test_a_refused_password_is_audited_with_the_name_tried_and_never_the_password():
    create_user("ann", "viewer", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.3")
    assert sign_in(client, "ann", "not-her-password-9").status_code == 200
    assert sign_in(client, "nobody", "not-her-password-9").status_code == 200
    assert refusals() == [("ann", "password", "password"), ("nobody", "password", "password")]
    event = AuditEvent.objects.filter(action="user.sign_in_failed").first()
    assert event.changes["client"] == "10.0.0.3"
    assert "not-her-password-9" not in str(event.changes)


def test_a_locked_out_and_a_paused_sign_in_are_audited(settings):
    # this test's own cache: another test process may empty the shared one (and the spray
    # count kept in it) while this one runs
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "locked-and-paused",
        }
    }
    settings.SPRAY_LIMIT = 3
    create_user("ann", "viewer", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.0.0.4")
    for _ in range(5):  # axes locks (ann, 10.0.0.4) after 5 failures
        sign_in(client, "ann", "wrong-password-here")
    assert sign_in(client, "ann").status_code == 429
    # four refused passwords, then the fifth locks the name and the sixth is refused as locked
    assert refusals() == [("ann", "password", "password")] * 4 + [("ann", "password", "locked")] * 2
    sprayer = Client(REMOTE_ADDR="10.0.0.5")
    for name in ("bob", "cat", "dan"):
        sign_in(sprayer, name, "Summer2026!-long")
    assert sign_in(sprayer, "eve", "Summer2026!-long").status_code == 429
    assert refusals()[-1] == ("eve", "password", "paused")
