"""Whose address a login counts against (issue 21): the lockout is per username and
address, so the address must be the client's — REMOTE_ADDR unless a trusted proxy
stands in front (engine/clientip.py). Without one, an X-Forwarded-For the client
writes itself is ignored and cannot buy fresh attempts; behind one, two people behind
the same proxy are told apart and one locked out does not lock out the other."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings

from engine.clientip import client_ip

PROXY = "10.0.0.2"  # the TLS proxy in front of gunicorn


@pytest.fixture
def victim(litong):
    user = litong.u["staff02"]
    user.set_password("right-password-2026")
    user.save()
    return user


def attempt(c: Client, username: str, password: str, **meta) -> int:
    return c.post(
        "/accounts/login/", {"username": username, "password": password}, **meta
    ).status_code


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_evade_the_lockout(victim):
    """No trusted proxy (the default): five wrong passwords, each with another made-up
    X-Forwarded-For, lock the username from the one real address; the right password
    with yet another header is refused too, and the attempts are kept under the real
    address."""
    c = Client()
    for i in range(5):
        status = attempt(c, victim.username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert status == (429 if i == 4 else 200)
    spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.77"}
    assert attempt(c, victim.username, "right-password-2026", **spoofed) == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "proxy_settings",
    [{"JIXIAO_TRUSTED_PROXY_COUNT": 1}, {"JIXIAO_TRUSTED_PROXIES": ["10.0.0.0/24"]}],
    ids=["count", "addresses"],
)
def test_behind_a_trusted_proxy_clients_are_told_apart(victim, proxy_settings):
    """Every request arrives from the proxy; it appends the address it saw connect.
    Client A fails five times and is locked out — also when A writes B's address into
    the header itself (the proxy appends A's after it). Client B, same username, from
    its own address, still signs in."""
    a, b = "203.0.113.7", "198.51.100.8"
    via_proxy = {"REMOTE_ADDR": PROXY}
    with override_settings(**proxy_settings):
        c = Client()
        for i in range(5):
            status = attempt(c, victim.username, "wrong", HTTP_X_FORWARDED_FOR=a, **via_proxy)
            assert status == (429 if i == 4 else 200)
        forged = {"HTTP_X_FORWARDED_FOR": f"{b}, {a}", **via_proxy}
        assert attempt(c, victim.username, "right-password-2026", **forged) == 429
        other = Client()
        signed_in = attempt(
            other, victim.username, "right-password-2026", HTTP_X_FORWARDED_FOR=b, **via_proxy
        )
        assert signed_in == 302 and "_auth_user_id" in other.session
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {a}


def address(meta: dict, **proxy) -> str | None:
    request = RequestFactory().get("/", **meta)
    with override_settings(**proxy):
        return client_ip(request)


def test_which_hop_is_the_client():
    """The rules in engine/clientip.py, hop by hop: without a trusted proxy the header
    is ignored; with a count, the hop that many from the right (a header shorter than
    that falls back to REMOTE_ADDR); with addresses, the header is read only from a
    listed proxy, skipping listed hops; ports, brackets and IPv4-in-IPv6 are read as
    the plain address; an unreadable hop falls back to REMOTE_ADDR."""
    direct = {"REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert address(direct) == "198.51.100.9"
    assert address(direct, JIXIAO_TRUSTED_PROXIES=["10.0.0.0/24"]) == "198.51.100.9"
    two = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7, 10.0.0.3"}
    assert address(two, JIXIAO_TRUSTED_PROXY_COUNT=1) == "10.0.0.3"
    assert address(two, JIXIAO_TRUSTED_PROXY_COUNT=2) == "203.0.113.7"
    assert address(two, JIXIAO_TRUSTED_PROXIES=["10.0.0.0/24"]) == "203.0.113.7"
    assert address(two, JIXIAO_TRUSTED_PROXY_COUNT=4) == PROXY  # fewer hops than proxies
    assert address({"REMOTE_ADDR": PROXY}, JIXIAO_TRUSTED_PROXY_COUNT=1) == PROXY
    ported = {"REMOTE_ADDR": "::ffff:10.0.0.2", "HTTP_X_FORWARDED_FOR": "[2001:db8::5]:443"}
    assert address(ported, JIXIAO_TRUSTED_PROXIES=["10.0.0.2"]) == "2001:db8::5"
    v4port = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7:51234"}
    assert address(v4port, JIXIAO_TRUSTED_PROXY_COUNT=1) == "203.0.113.7"
    garbage = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "unknown"}
    assert address(garbage, JIXIAO_TRUSTED_PROXY_COUNT=1) == PROXY
    assert address(garbage, JIXIAO_TRUSTED_PROXIES=["10.0.0.2"]) == PROXY


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(db):
    """`X-Forwarded-Proto: https` sent by a client that reached the app directly is
    dropped: with HTTPS redirect on, its plain request is still redirected. From a
    listed proxy, from anyone when a proxy count is set, and from loopback when no
    proxy is configured (the documented same-host proxy), the request is secure."""
    from engine.clientip import from_trusted_proxy

    rf = RequestFactory()

    def secure_from(addr: str, **settings) -> bool:
        with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["*"], **settings):
            r = Client(REMOTE_ADDR=addr).get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
        return r.status_code != 301

    assert not secure_from("203.0.113.9")
    assert secure_from("127.0.0.1")
    assert secure_from("10.0.0.5", JIXIAO_TRUSTED_PROXIES=["10.0.0.0/24"])
    assert not secure_from("10.0.1.5", JIXIAO_TRUSTED_PROXIES=["10.0.0.0/24"])
    assert not secure_from("127.0.0.1", JIXIAO_TRUSTED_PROXIES=["10.0.0.0/24"])
    assert secure_from("198.51.100.7", JIXIAO_TRUSTED_PROXY_COUNT=1)
    assert not from_trusted_proxy(rf.get("/", REMOTE_ADDR="not-an-address"))
