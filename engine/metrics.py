"""`GET /metrics` for Prometheus (docs/operations.md, "Metrics").

django-prometheus counts requests, responses and latencies (its middleware); this module
adds the domain's gauges, computed at scrape time with a few counting queries:

- `jixiao_overdue_steps`: open steps (appraisal and appeal steps alike) past their
  due moment;
- `jixiao_outbox_pending`, `jixiao_outbox_failed`: deliveries waiting, and given up;
- `jixiao_sweep_age_seconds`, `jixiao_checkpoint_age_seconds`: since the last deadline
  sweep and the last signing of the audit checkpoints (engine/heartbeats; absent while
  the job never ran, so `absent(...)` alerts on it).

Who may read it: addresses in `JIXIAO_METRICS_ALLOW` (the client's address as
engine/clientip.py resolves it behind trusted proxies) or a caller presenting
`Authorization: Bearer <JIXIAO_METRICS_TOKEN>`. With neither configured the path does
not exist (404); a caller who is neither is refused (403). A scrape whose queries fail
(the database is down) still answers, with `jixiao_domain_metrics_up 0`."""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Iterator

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from engine import clock
from engine.clientip import client_ip, parse
from engine.deadlines.sweep import step_kinds
from engine.heartbeats import selectors as heartbeats
from engine.heartbeats.models import Heartbeat
from engine.notifications.models import Delivery

log = logging.getLogger(__name__)


def domain_values() -> dict[str, float]:
    """The gauges' values now: one count per step kind, two on the outbox, one read of
    the heartbeats. Ages are left out for jobs that never ran."""
    now = clock.now()
    overdue = sum(
        kind.model.objects.filter(state=kind.model.State.OPEN, due_at__lt=now).count()
        for kind in step_kinds()
    )
    values: dict[str, float] = {
        "jixiao_overdue_steps": overdue,
        "jixiao_outbox_pending": Delivery.objects.filter(state=Delivery.State.PENDING).count(),
        "jixiao_outbox_failed": Delivery.objects.filter(state=Delivery.State.FAILED).count(),
    }
    ages = heartbeats.ages()
    for job, name in (
        (Heartbeat.Job.SWEEP, "jixiao_sweep_age_seconds"),
        (Heartbeat.Job.CHECKPOINTS, "jixiao_checkpoint_age_seconds"),
    ):
        if ages.get(job) is not None:
            values[name] = ages[job]
    return values


HELP = {
    "jixiao_overdue_steps": "Open steps past their due moment",
    "jixiao_outbox_pending": "Deliveries waiting in the outbox",
    "jixiao_outbox_failed": "Deliveries given up after their tries",
    "jixiao_sweep_age_seconds": "Seconds since the last deadline sweep started",
    "jixiao_checkpoint_age_seconds": "Seconds since the last signing of the audit checkpoints",
}


class DomainCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            values = domain_values()
        except Exception as exc:  # a scrape answers even with the database down
            log.warning("metrics: the domain gauges failed: %s", exc.__class__.__name__)
            values = None
        yield GaugeMetricFamily(
            "jixiao_domain_metrics_up",
            "1 when the domain gauges could be read",
            value=0 if values is None else 1,
        )
        for name, value in (values or {}).items():
            yield GaugeMetricFamily(name, HELP[name], value=value)


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for entry in getattr(settings, "JIXIAO_METRICS_ALLOW", []) or []:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("JIXIAO_METRICS_ALLOW: %r is not an address or network", entry)
    return out


def access(request) -> int:
    """200 when the caller may read the metrics, 404 when nobody may (nothing is
    configured), else 403."""
    token = getattr(settings, "JIXIAO_METRICS_TOKEN", "") or ""
    networks = _allowed_networks()
    if not token and not networks:
        return 404
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and secrets.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return 200
    if networks:
        ip = parse(client_ip(request))
        if ip is not None and any(ip in net for net in networks):
            return 200
    return 403


def exposition() -> bytes:
    """django-prometheus's metrics (of every process when PROMETHEUS_MULTIPROC_DIR is
    set, as under gunicorn) followed by the domain gauges."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        base = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = prometheus_client.REGISTRY
    domain = prometheus_client.CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    return prometheus_client.generate_latest(base) + prometheus_client.generate_latest(domain)


@never_cache
@require_GET
def metrics(request):
    allowed = access(request)
    if allowed == 404:
        raise Http404
    if allowed == 403:
        response = HttpResponse("forbidden\n", status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=prometheus_client.CONTENT_TYPE_LATEST)
