"""Single sign-on by OpenID Connect against a provider the test starts (issue 23): the
provider's person signs in to the account HR made (matched by e-mail, else username),
never to a new one; a stranger and a leaver are refused with words on the sign-in page;
with no provider configured the sign-on pages are 404 and the button is not shown."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db
SECRET = "provider-shared-secret-for-tests-only"
CLIENT_ID = "jixiao-test"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _id_token(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    sig = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


class Provider(http.server.BaseHTTPRequestHandler):
    """An OpenID provider's three endpoints: authorize (the person is `who`), token,
    userinfo."""

    who: dict = {}
    codes: dict = {}

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/authorize":
            code = f"code-{len(self.codes)}"
            self.codes[code] = q["nonce"]
            back = f"{q['redirect_uri']}?code={code}&state={q['state']}"
            self.send_response(302)
            self.send_header("Location", back)
            self.end_headers()
        elif url.path == "/userinfo":
            self._json(self.who)

    def do_POST(self):
        form = dict(
            urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode())
        )
        now = int(time.time())
        claims = {
            "iss": "http://provider",
            "aud": CLIENT_ID,
            "sub": self.who.get("sub", "x"),
            "iat": now,
            "exp": now + 300,
            "nonce": self.codes[form["code"]],
        }
        self._json({"id_token": _id_token(claims), "access_token": "at", "token_type": "Bearer"})

    def _json(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS[:-1],
        "engine.org.sso.Backend",
        settings.AUTHENTICATION_BACKENDS[-1],
    ]
    yield Provider
    server.shutdown()


def _sign_on(who: dict) -> tuple[Client, str]:
    Provider.who = who
    c = Client()
    start = c.get("/oidc/authenticate/?next=/inbox/")
    assert start.status_code == 302
    # The person's browser at the provider, which sends it back with a code.
    import urllib.request

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(Stay)
    try:
        opener.open(start["Location"], timeout=10)
        raise AssertionError("the provider did not send the browser back")
    except urllib.error.HTTPError as back:
        location = back.headers["Location"]
    done = c.get(urllib.parse.urlsplit(location).path + "?" + urllib.parse.urlsplit(location).query)
    return c, done["Location"]


def test_the_provider_person_signs_in_to_the_account_hr_made(provider):
    """The provider's person is signed in to HR's account by e-mail (any case), else by username; no account is created."""
    User = get_user_model()
    wang = User.objects.create_user("wang", email="Wang.Li@example.com")
    count = User.objects.count()
    c, went = _sign_on({"sub": "1", "email": "wang.li@example.com"})
    assert went == "/inbox/"
    assert int(c.session["_auth_user_id"]) == wang.pk
    # by username when the provider has no address for the person
    zhao = User.objects.create_user("zhao")
    c, went = _sign_on({"sub": "2", "preferred_username": "zhao"})
    assert int(c.session["_auth_user_id"]) == zhao.pk
    assert User.objects.count() == count + 1  # only zhao, made here: no account by sign-on


def test_a_stranger_and_a_leaver_are_refused_with_words(provider):
    """Someone jixiao does not know, and a leaver, land on the sign-in page with the words to ask HR; nobody is signed in."""
    User = get_user_model()
    User.objects.create_user("gone", email="gone@example.com", is_active=False)
    for who in (
        {"sub": "3", "email": "nobody@example.com"},
        {"sub": "4", "email": "gone@example.com"},
    ):
        c, went = _sign_on(who)
        assert went == "/accounts/login/?sso=failed"
        assert "_auth_user_id" not in c.session
        page = c.get(went).content.decode()
        assert 'id="sso-failed"' in page and 'id="sso-link"' in page
    assert not User.objects.filter(email="nobody@example.com").exists()


def test_without_a_provider_there_is_no_sign_on(client):
    """With no provider configured the sign-on pages are 404 and the button is not shown."""
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    assert 'id="sso-link"' not in client.get("/accounts/login/").content.decode()
