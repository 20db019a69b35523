"""The client's address, as far as this installation can trust it (issue 21).

The login lockout counts failures per username *and* address (django-axes,
`AXES_CLIENT_IP_CALLABLE` in engine/settings.py), and the API's call budget for a
caller without a token is per address. Both need the address of the person, not of the
proxy in front of the app, and not one the person chose:

- By default the address is REMOTE_ADDR and X-Forwarded-For is ignored: a client that
  sends the header itself changes nothing.
- Behind a proxy, X-Forwarded-For is read from the right, one hop per trusted proxy:
  `JIXIAO_TRUSTED_PROXIES` (addresses or networks of the proxies; the header is read
  only when REMOTE_ADDR is one of them, and hops are skipped while they are) or
  `JIXIAO_TRUSTED_PROXY_COUNT` (how many proxies stand in front; the app must then be
  reachable only through them). The entry a trusted proxy appended is the address it
  saw connect; whatever a client put to its left is never read.
- A header shorter than the proxies it should have passed, or an entry that is not an
  address, falls back to REMOTE_ADDR.

docs/operations.md, "Behind a proxy", shows the proxy configuration this expects."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_proxies(entries=None) -> list[Network]:
    """JIXIAO_TRUSTED_PROXIES as networks (`10.0.0.5`, `10.0.0.0/24`, `fd00::/8`); an
    entry that is neither stops the site from guessing: ImproperlyConfigured."""
    if entries is None:
        entries = getattr(settings, "JIXIAO_TRUSTED_PROXIES", []) or []
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"JIXIAO_TRUSTED_PROXIES: {entry!r} is not an address or network"
            ) from exc
    return out


def parse(value: str | None) -> Address | None:
    """One address as a header or the server gives it: `1.2.3.4`, `1.2.3.4:5678`,
    `2001:db8::1`, `[2001:db8::1]:443`; an IPv4 address mapped into IPv6 is the IPv4
    one. None when it is not an address (`unknown`, empty, garbage)."""
    text = (value or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    return (ip.ipv4_mapped or ip) if ip.version == 6 else ip


def from_trusted_proxy(request) -> bool:
    """Whether the request came through a proxy this installation believes, so that
    the proxy's own headers (X-Forwarded-Proto) may be read: REMOTE_ADDR is a listed
    proxy; or a proxy count is set (the app is then reachable only through them); or,
    with neither set, REMOTE_ADDR is loopback (the documented same-host proxy, and a
    loopback client is already on the machine)."""
    remote = parse(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return False
    proxies = trusted_proxies()
    if proxies:
        return any(remote in net for net in proxies)
    if int(getattr(settings, "JIXIAO_TRUSTED_PROXY_COUNT", 0) or 0) > 0:
        return True
    return remote.is_loopback


def client_ip(request) -> str | None:
    """The client's address for `request` (see the module's docstring)."""
    remote = parse(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies()
    count = int(getattr(settings, "JIXIAO_TRUSTED_PROXY_COUNT", 0) or 0)
    if not proxies and count <= 0:
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [parse(hop) for hop in forwarded.split(",") if hop.strip()] + [remote]
    if proxies:
        client = _behind_listed(chain, proxies)
    else:
        client = chain[-(count + 1)] if len(chain) > count else None
    return str(client or remote)


def _behind_listed(chain: list[Address | None], proxies: list[Network]) -> Address | None:
    """Walk from the right over the hops that are trusted proxies; the first that is
    not is the client. None when REMOTE_ADDR is no trusted proxy (the header is then
    anyone's) or a hop is unreadable."""

    def trusted(ip: Address | None) -> bool:
        return ip is not None and any(ip in net for net in proxies)

    if not trusted(chain[-1]):
        return None
    i = len(chain) - 1
    while i > 0 and trusted(chain[i]):
        i -= 1
    return chain[i]
