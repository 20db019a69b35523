"""A client generated from the schema the server serves drives the documented
integration against a live server with the demo company: `openapi-python-client
generate` from /api/v1/schema/, the package installed into a temporary directory
(`pip install --no-deps --target`, offline: its runtime needs are the dev extras), then,
with the tokens docs/api.md creates, the typed calls an integrator makes — the cycle found
by its period, metrics loaded, progress read (each missing person and indicator), results
pulled since a cursor page by page, the audit chain paged and every hash recomputed from
the typed events. About 20 s on SQLite, most of it generating and installing."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.org.models import Department
from tests.api.test_docs_examples import documented_commands, run
from tests.month import ECOM_TARGETS
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

BIN = Path(sys.executable).parent
PACKAGE = "jixiao_api_client"  # from the schema's title, "jixiao API"
HASHED = [
    "seq",
    "chain",
    "company",
    "at",
    "actor",
    "actor_label",
    "role",
    "object_type",
    "object_id",
    "action",
    "before",
    "after",
    "reason",
]


def generated_client(base: str, secret: str, tmp: Path):
    """The package generated from the live server's schema, installed under `tmp` and
    imported (with its own copy of the modules: nothing of another test's is reused)."""
    r = httpx.get(
        f"{base}/api/v1/schema/?format=json",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text[:300]
    (tmp / "schema.json").write_text(r.text, encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    gen = subprocess.run(
        [
            *(BIN / "openapi-python-client", "generate", "--path", tmp / "schema.json"),
            *("--output-path", tmp / "client", "--meta", "setup", "--fail-on-warning"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert gen.returncode == 0, gen.stdout[-2000:] + gen.stderr[-2000:]
    pip = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"),
            *("--no-build-isolation", "--target", tmp / "site", tmp / "client"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-2000:]
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tmp / "site"))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp / "site"))


def cursor_of(next_url: str | None) -> str | None:
    """The cursor of a `next` link (a generated client takes it as a parameter)."""
    if not next_url:
        return None
    return parse_qs(urlparse(next_url).query)["cursor"][0]


def every_page(call, **params) -> list:
    """Every row of a paged list, following `next` one cursor at a time."""
    rows, cursor = [], None
    while True:
        page = call(**params, **({"cursor": cursor} if cursor else {}))
        assert type(page).__name__.startswith("Paginated"), page
        rows += page.results
        cursor = cursor_of(page.next_)
        if cursor is None:
            return rows


@pytest.fixture
def november_cs(finalised, set_clock):  # noqa: F811
    """The workshop's October with its final results (and an appeal); customer service's
    November opened by HR on 16 Nov, no metric loaded."""
    workshop, _appeal = finalised
    cs = Department.objects.get(company=workshop.company, code="cs")
    cycle = services.cycle_open(
        actor=workshop.u["hr"],
        company=workshop.company,
        kind="month",
        period="2026-11",
        department_ids=[cs.pk],
        targets={"customer_service": {"ecommerce_agent": ECOM_TARGETS}},
        targets_later=True,
    )
    return workshop, cycle


def test_a_generated_client_runs_the_documented_integration(live_server, november_cs, tmp_path):
    """With the docs' token the typed client finds the cycle, loads two metrics (created
    2), reads the pairs still missing, pulls every final result once (one a page; the
    kept cursor then gives nothing) with typed outcomes; with an auditor's token it pages
    the whole chain and every recomputed hash matches, up to the head."""
    workshop, cycle = november_cs
    secret = run(documented_commands()[0])["token"]  # as docs/api.md creates it
    auditor = run(
        [
            "api_token",
            "create",
            "auditor",
            "--company",
            "litong",
            "--scopes",
            "audit:read",
            "--json",
        ]
    )["token"]
    jx = generated_client(live_server.url, secret, tmp_path)
    models = importlib.import_module(f"{PACKAGE}.models")
    mods = {
        name: importlib.import_module(f"{PACKAGE}.api.{part}.{name}")
        for part, name in [
            ("cycles", "cycles_list"),
            ("cycles", "cycles_metrics_put"),
            ("cycles", "cycles_progress"),
            ("results", "results_list"),
            ("audit", "audit_events_list"),
        ]
    }
    hr = jx.AuthenticatedClient(
        base_url=f"{live_server.url}", token=secret, raise_on_unexpected_status=True
    )

    # The cycle by its period, then its metrics (two rows, both loaded)
    found = mods["cycles_list"].sync(client=hr, period="2026-11")
    assert [c.id for c in found.results] == [cycle.pk]
    assert found.results[0].status == models.CycleStatusEnum.OPEN
    rows = [
        models.MetricRowRequest(number="LT0005", indicator="response_time", value="28"),
        models.MetricRowRequest(number="LT0005", indicator="reply_rate", value="98%"),
    ]
    report = mods["cycles_metrics_put"].sync(
        cycle.pk, client=hr, body=models.MetricsInRequest(rows=rows)
    )
    assert isinstance(report, models.ImportReportOut), report
    assert (report.ok, report.created, report.errors) == (True, 2, [])

    # Progress: each (person, indicator) still missing, typed
    progress = mods["cycles_progress"].sync(cycle.pk, client=hr)
    assert isinstance(progress, models.ProgressOut), progress
    assert progress.by_state.in_progress == progress.appraisals > 0
    missing = {(m.number, m.indicator) for m in progress.metrics_to_load}
    assert len(missing) == progress.missing_metrics
    assert ("LT0005", "payment_success") in missing
    assert not {("LT0005", "response_time"), ("LT0005", "reply_rate")} & missing

    # Results since a cursor, one a page: each final result once, outcomes typed
    pulled = every_page(mods["results_list"].sync, client=hr, since=0, limit=1)
    finals = Appraisal.objects.filter(state="final").select_related("employee")
    assert sorted(r.employee_number for r in pulled) == sorted(a.employee.number for a in finals)
    assert len(pulled) >= 2
    for r in pulled:
        assert isinstance(r.outcomes, models.ResultOutOutcomes)
        assert isinstance(r.outcomes["pay_coefficient"], str)
    since = max(r.cursor for r in pulled)
    later = mods["results_list"].sync(client=hr, since=since)
    assert later.results == [] and later.next_ is None

    # The audit chain, paged by the auditor's token: every hash recomputed
    trail = jx.AuthenticatedClient(base_url=live_server.url, token=auditor)
    events = every_page(mods["audit_events_list"].sync, client=trail, company="litong", limit=100)
    prev = "0" * 64
    for n, e in enumerate(events, start=1):
        data = e.to_dict()
        assert (e.seq, e.prev_hash) == (n, prev)
        text = json.dumps(
            {k: data[k] for k in HASHED}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert hashlib.sha256((prev + text).encode()).hexdigest() == data["hash"], e.seq
        prev = data["hash"]
    head = AuditEvent.objects.filter(chain=workshop.company.pk).order_by("-seq").first()
    assert (len(events), prev) == (head.seq, head.hash)
