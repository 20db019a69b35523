"""Where a webhook may send (issue 21). A webhook is an address HR types in and the
worker then POSTs to from inside the installation's network, so without a check it
reaches what the outside cannot: the cloud's metadata service (169.254.169.254), Redis
on 127.0.0.1:6379, PostgreSQL on [::1]:5432, the intranet's 10.x and 192.168.x hosts.

An address is refused when its host resolves — to any of its addresses — to a
loopback, private, link-local, multicast, reserved, unspecified or otherwise
non-public address, unless the operator allowed that address, network or host name
in `JIXIAO_WEBHOOK_ALLOW` (companies on an intranet do: docs/operations.md). The check
runs when the webhook is saved (a clear refusal at the field) and again before every
delivery, because the name may resolve elsewhere by then; the delivery then connects
to an address this check passed, never to a second lookup's answer."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from socket import getaddrinfo  # one name, so tests can answer without the network
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

# The first flag an address has names why it is refused (checked in this order).
KINDS = (
    ("is_unspecified", gettext_lazy("an unspecified address")),
    ("is_loopback", gettext_lazy("a loopback address")),
    ("is_link_local", gettext_lazy("a link-local address")),
    ("is_multicast", gettext_lazy("a multicast address")),
    ("is_reserved", gettext_lazy("a reserved address")),
    ("is_private", gettext_lazy("a private address")),
)
NOT_PUBLIC = gettext_lazy("not a public address")


class Refused(Exception):
    """A webhook address that may not be sent to, and why: `words()` in the reader's
    language (the form's refusal), `str()` in English (kept on the delivery's row, read
    by operators and their log searches)."""

    def __init__(self, template, **params):
        self.template, self.params = template, params
        with translation.override("en"):
            super().__init__(self.words())

    def words(self) -> str:
        return str(self.template) % {k: str(v) for k, v in self.params.items()}


@dataclass(frozen=True)
class Destination:
    """An address that passed: where to connect (`addresses`, in the resolver's order)
    and what to say to it (scheme, host for the Host header and TLS, port, path)."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def allow_list() -> tuple[list, set[str]]:
    """JIXIAO_WEBHOOK_ALLOW as networks and host names: an entry that reads as an
    address or network (`10.1.2.0/24`, `10.1.2.7`, `fd00::/8`) is a network, any
    other a host name, matched exactly (case and a trailing dot aside)."""
    networks, names = [], set()
    for entry in getattr(settings, "JIXIAO_WEBHOOK_ALLOW", []) or []:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return networks, names


def why_not_public(ip: IP):
    """The kind of address that may not receive webhooks (lazily translated), or None for a
    public one. An IPv6 address that carries an IPv4 one (`::ffff:127.0.0.1`, 6to4)
    is judged by that one as well."""
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None and (why := why_not_public(inner)):
            return why
    for flag, kind in KINDS:
        if getattr(ip, flag):
            return kind
    return None if ip.is_global else NOT_PUBLIC


def check(url: str) -> Destination:
    """The destination of `url` when every address its host resolves to may receive
    webhooks; else `Refused`, saying why. Resolves the host now (IP literals are taken
    as they are)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(gettext_lazy("Only http:// and https:// addresses can receive webhooks."))
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if host and not _literal(host):
        try:  # a name in Chinese characters is looked up and said in its IDNA form
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = None
    if not host:
        raise Refused(gettext_lazy("The address %(url)s has no valid host name."), url=url)
    port = port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    addresses = _resolve(host, port)
    networks, names = allow_list()
    if host.lower().rstrip(".") not in names:
        for address in addresses:
            ip = ipaddress.ip_address(address)
            kind = why_not_public(ip)
            if kind is not None and not any(ip in net for net in networks):
                template = (
                    gettext_lazy(
                        "%(address)s is %(kind)s: webhooks may not be sent there unless "
                        "an operator allows it in JIXIAO_WEBHOOK_ALLOW."
                    )
                    if _literal(host)
                    else gettext_lazy(
                        "%(host)s resolves to %(address)s, %(kind)s: webhooks may not be "
                        "sent there unless an operator allows it in JIXIAO_WEBHOOK_ALLOW."
                    )
                )
                raise Refused(
                    template,
                    host=host,
                    address=address,
                    kind=kind,
                )
    return Destination(scheme, host, port, path, tuple(addresses))


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int) -> list[str]:
    """Every address of `host` (an IP literal is its own), without repeats."""
    if _literal(host):
        return [str(ipaddress.ip_address(host))]
    try:
        found = getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(
            gettext_lazy("%(host)s could not be found (%(error)s)."), host=host, error=exc
        ) from exc
    out: list[str] = []
    for family, *_rest, sockaddr in found:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = str(ipaddress.ip_address(sockaddr[0].split("%")[0]))
        if address not in out:
            out.append(address)
    if not out:
        raise Refused(gettext_lazy("%(host)s has no IP address."), host=host)
    return out
