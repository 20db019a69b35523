"""Where webhooks may go (issue 21): an address inside the installation's network —
the metadata service, Redis or PostgreSQL on loopback, the intranet — is refused when
HR saves it and again when the worker would send to it (the name may resolve elsewhere
by then), unless the operator allowed it in JIXIAO_WEBHOOK_ALLOW; a redirect is never
followed. No test needs the network: names are answered by the `dns` fixture."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client, override_settings
from django.utils import translation

from engine import clock
from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from engine.notifications import services
from engine.notifications.models import Delivery, Notification, Webhook
from engine.notifications.outbox import drain

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def _english():
    """The refusals read in English here (the page test asks for Chinese itself)."""
    with translation.override("en"):
        yield


INTERNAL = [
    ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
    ("http://127.0.0.1:6379/", "a loopback address"),
    ("http://[::1]:5432/", "a loopback address"),
    ("http://10.0.0.8/hook", "a private address"),
    ("https://192.168.1.10/hook", "a private address"),
    ("http://0.0.0.0/", "an unspecified address"),
    ("http://[::]/", "an unspecified address"),
    ("http://[::ffff:127.0.0.1]/", "a loopback address"),
    ("http://[fe80::1]/", "a link-local address"),
    ("http://[fd12:3456::1]/", "a private address"),
    ("http://224.0.0.1/", "a multicast address"),
    ("http://240.0.0.1/", "a reserved address"),
    ("http://100.64.0.1/", "not a public address"),
    ("http://metadata.internal/computeMetadata/v1/", "a link-local address"),
    ("http://redis.internal:6379/", "a loopback address"),
    ("http://split.example.com/", "a private address"),
]


def test_internal_addresses_are_refused_when_saved(litong, dns):
    """Each kind of internal address, typed as a literal or behind a name (one private
    address among public ones is enough), is refused at the field `url` with rule
    `address`, saying which address and why; nothing is saved or audited."""
    dns["metadata.internal"] = ["169.254.169.254"]
    dns["redis.internal"] = ["127.0.0.1"]
    dns["split.example.com"] = [PUBLIC, "10.9.8.7"]
    for url, kind in INTERNAL:
        with pytest.raises(InvalidInput) as refused:
            services.webhook_add(actor=litong.u["hr"], company=litong.company, url=url)
        assert (refused.value.field, refused.value.rule) == ("url", "address"), url
        assert kind in refused.value.message, (url, refused.value.message)
    assert not Webhook.objects.exists()
    assert not AuditEvent.objects.filter(action="webhook_add").exists()


def test_unknown_hosts_and_other_schemes_are_refused(litong, dns):
    """A name that does not resolve (a typo), a scheme other than http(s), no host or
    an invalid one are refused at the same field: the webhook would never be
    delivered. A name in Chinese characters is looked up in its IDNA form."""
    dns["xn--fiqs8s.example.com"] = [PUBLIC]
    services.webhook_add(
        actor=litong.u["hr"], company=litong.company, url="https://中国.example.com/"
    )
    bad = ("https://hooks.exmaple.com/jx", "ftp://files.example.com/x", "http:///x", "http://a..b/")
    for url in bad:
        with pytest.raises(InvalidInput) as refused:
            services.webhook_add(actor=litong.u["hr"], company=litong.company, url=url)
        assert (refused.value.field, refused.value.rule) == ("url", "address")
    assert Webhook.objects.count() == 1


@override_settings(JIXIAO_WEBHOOK_ALLOW=["10.1.2.0/24", "hooks.intranet", "fd00:1::5"])
def test_the_allow_list_lets_the_intranet_through(litong, dns):
    """An allowed network admits its addresses only (10.1.2.7, not 10.1.3.7); an
    allowed host name admits that name whatever it resolves to (not another name with
    the same address); an allowed single IPv6 address admits itself."""
    dns["hooks.intranet"] = ["192.168.5.5"]
    dns["other.intranet"] = ["192.168.5.5"]
    hr, co = litong.u["hr"], litong.company
    for url in (
        "http://10.1.2.7:8080/hook",
        "https://hooks.intranet/jx",
        "https://HOOKS.intranet./jx",
        "http://[fd00:1::5]/jx",
    ):
        services.webhook_add(actor=hr, company=co, url=url)
    for url in ("http://10.1.3.7/hook", "https://other.intranet/jx", "http://127.0.0.1/"):
        with pytest.raises(InvalidInput):
            services.webhook_add(actor=hr, company=co, url=url)
    assert Webhook.objects.count() == 4


def test_the_page_says_why_in_the_readers_language(litong):
    """HR typing Redis's address on /hr/webhooks/ gets the form back (400) with the
    reason at the address field, in Chinese, and the address still typed."""
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    r = c.post("/hr/webhooks/?company=litong", {"url": "http://127.0.0.1:6379/"})
    page = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="url"' in page and "127.0.0.1 是回环地址" in page
    assert "JIXIAO_WEBHOOK_ALLOW" in page and 'value="http://127.0.0.1:6379/"' in page
    assert not Webhook.objects.exists()


class Receiver(BaseHTTPRequestHandler):
    """A local receiver: answers 200, or a redirect when `redirect` is set."""

    got: list = []
    redirect = ""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((self.path, self.headers["Host"]))
        if Receiver.redirect:
            self.send_response(302)
            self.send_header("Location", Receiver.redirect)
        else:
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.got, Receiver.redirect = [], ""
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def one_delivery(litong, url: str = "", hook: Webhook | None = None) -> Delivery:
    """One due delivery to `hook`, or to a webhook of `url` stored as it is (the check
    at saving is the tests' above)."""
    hook = hook or Webhook.objects.create(
        company=litong.company, url=url, secret="s", created_at=clock.now()
    )
    n = Notification.objects.create(
        user=litong.u["staff02"],
        company=litong.company,
        kind="overdue",
        message="m",
        key="k:hook",
        created_at=clock.now(),
    )
    return Delivery.objects.create(
        notification=n,
        channel="webhook",
        webhook=hook,
        target=str(hook.pk),
        next_attempt_at=clock.now(),
    )


def test_a_name_that_now_resolves_inside_is_not_sent_to(litong, dns, receiver):
    """Saved while hooks.example.com was public; by delivery it resolves to loopback,
    where something listens. The worker checks again: nothing is sent, the delivery is
    given up at once (another try would ask the same question) with the reason."""
    dns["hooks.example.com"] = [PUBLIC]
    hook, _secret = services.webhook_add(
        actor=litong.u["hr"], company=litong.company, url=f"http://hooks.example.com:{receiver}/"
    )
    d = one_delivery(litong, hook=hook)
    dns["hooks.example.com"] = ["127.0.0.1"]
    assert drain() == {"failed": 1}
    d.refresh_from_db()
    assert (d.state, d.attempts, d.last_status) == ("failed", 1, None)
    assert "resolves to 127.0.0.1, a loopback address:" in d.last_error
    assert Receiver.got == []


def test_delivery_connects_to_the_address_that_was_checked(litong, dns, receiver, settings):
    """An allowed intranet name is delivered to the address the check resolved (the
    real resolver has never heard of it), saying its own name in the Host header."""
    settings.JIXIAO_WEBHOOK_ALLOW = ["127.0.0.1"]
    dns["hooks.intranet"] = ["127.0.0.1"]
    d = one_delivery(litong, f"http://hooks.intranet:{receiver}/jx?team=hr")
    assert drain() == {"delivered": 1}
    assert Receiver.got == [("/jx?team=hr", f"hooks.intranet:{receiver}")]
    d.refresh_from_db()
    assert (d.state, d.last_status) == ("delivered", 200)


def test_a_redirect_is_not_followed(litong, receiver, settings):
    """A receiver answering 302 towards the metadata service: the redirect is not
    followed (one request reached the receiver), the try counts as failed with its
    status and is retried later like any other failure."""
    settings.JIXIAO_WEBHOOK_ALLOW = ["127.0.0.1"]
    Receiver.redirect = "http://169.254.169.254/latest/meta-data/"
    d = one_delivery(litong, f"http://127.0.0.1:{receiver}/hook")
    assert drain() == {"pending": 1}
    d.refresh_from_db()
    assert (d.state, d.attempts, d.last_status) == ("pending", 1, 302)
    assert "169.254.169.254" in d.last_error and "not followed" in d.last_error
    assert Receiver.got == [("/hook", f"127.0.0.1:{receiver}")]
