"""Every worked example of docs/api.md runs as written against the demo company (its
`requests` answered by the app; a page of one row, so that it follows `next`):
the token commands, results into payroll (every final result paid once, the cursor kept),
call-centre metrics in (with the token the docs create: it lists the cycles, the rows
load, progress names what is still missing), the audit-trail verifier (every hash
recomputed from the API alone; a changed field is caught) and the Errors section's
problem (a step's points out of range)."""

import json
import re
import shlex
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client

from engine.api.models import ApiToken
from engine.api.v1.paging import CursorPage
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from tests.api.test_tokens import token
from tests.month import ECOM_TARGETS, STAFF_VALUES, at, open_department, step, submit
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(title: str, secret: str | None = None) -> str:
    """The first Python block under the `## Worked example: <title>` heading (its token
    replaced by `secret`, its `import requests` left to the test)."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"## Worked example: {title}") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    if secret is not None:
        assert '"jx_…"' in code
        code = code.replace('"jx_…"', repr(secret))
    return code.replace("import requests\n", "")


class Requests:
    """`requests.get` and `.put` answered by the app: the example's host is the test
    server's. `seen` keeps each answer's body, `alter` may change one before the example
    reads it."""

    def __init__(self, secret: str, alter=None):
        self.client, self.secret, self.alter = Client(), secret, alter
        self.statuses: list[int] = []

    def _answer(self, r):
        self.statuses.append(r.status_code)
        body = r.json()
        if self.alter is not None:
            self.alter(body)
        return SimpleNamespace(status_code=r.status_code, json=lambda: body)

    def get(self, url, headers, timeout):
        assert headers == {"Authorization": f"Bearer {self.secret}"}
        path = re.sub(r"^https?://[^/]+", "", url)
        r = self.client.get(path, HTTP_AUTHORIZATION=headers["Authorization"])
        assert r.status_code == 200, r.content[:300]
        return self._answer(r)

    def put(self, url, json, headers, timeout):
        assert headers == {"Authorization": f"Bearer {self.secret}"}
        path = re.sub(r"^https?://[^/]+", "", url)
        r = self.client.put(
            path,
            __import__("json").dumps(json),
            content_type="application/json",
            HTTP_AUTHORIZATION=headers["Authorization"],
        )
        assert r.status_code in (200, 422), r.content[:300]
        return self._answer(r)


def documented_commands() -> list[list[str]]:
    """The `python manage.py api_token …` commands of the Authentication section, as
    argument lists (a continued line joined)."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).replace("\\\n", " ")
    lines = [ln.strip() for ln in block.splitlines() if ln.strip().startswith("python manage.py")]
    return [shlex.split(ln)[2:] for ln in lines]


def run(args: list[str]) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_the_documented_token_commands_create_a_token_and_revoke_it(litong):
    """`api_token create … --json` as the docs write it prints the token once, with the
    fields the docs show; `api_token revoke <prefix>` ends it (401 afterwards)."""
    create, revoke = documented_commands()
    made = run(create)
    assert {"token", "prefix", "scopes", "expires_at"} <= set(made)
    assert made["token"].startswith(f"jx_{made['prefix']}.")
    assert (
        Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {made['token']}").status_code
        == 200
    )
    revoke = [made["prefix"] if a == "Ab12Cd34" else a for a in revoke]
    call_command(*revoke, stdout=StringIO())
    assert ApiToken.objects.get(prefix=made["prefix"]).revoked_at is not None
    gone = Client().get("/api/v1/cycles/", HTTP_AUTHORIZATION=f"Bearer {made['token']}")
    assert gone.status_code == 401


def test_the_results_into_payroll_example_pays_every_final_result_once(
    finalised,  # noqa: F811
    monkeypatch,
):
    """Every final appraisal of the demo month reaches payroll exactly once, and the kept
    cursor then asks for nothing already paid."""
    monkeypatch.setattr(CursorPage, "page_size", 1)
    secret = token("hr", "results:read")
    code = example("results into payroll", secret)
    paid = []
    payroll = SimpleNamespace(set_performance_pay=lambda *row: paid.append(row))
    scope = {"requests": Requests(secret), "payroll": payroll}
    exec(code, scope)  # noqa: S102 - the documented example, as an integrator runs it
    finals = Appraisal.objects.filter(state="final").select_related("employee")
    assert len(finals) >= 2
    assert sorted(number for number, _, _ in paid) == sorted(a.employee.number for a in finals)
    assert scope["since"] == max(a.pk for a in finals)
    again = Requests(secret).get(
        f"{scope['API']}/results/?since={scope['since']}", headers=scope["auth"], timeout=30
    )
    assert again.json()["results"] == []


@pytest.fixture
def october_cs(litong, set_clock):
    """Customer service's October open (the targets set, no metric loaded yet)."""
    set_clock(at(2026, 10, 31, 9))
    targets = {"customer_service": {"ecommerce_agent": ECOM_TARGETS}}
    return open_department(litong, "cs", targets=targets)


def test_the_metrics_example_loads_with_the_documented_token(october_cs, monkeypatch):
    """With the token the docs create (their scopes): the cycle is found by its period,
    both rows load (200, created 2), progress no longer lists them but lists the rest;
    sent again, nothing changes."""
    monkeypatch.setattr(CursorPage, "page_size", 1)
    create, _ = documented_commands()
    secret = run(create)["token"]
    code = example("call-centre metrics in", secret).replace("2026-11", "2026-10")
    number = october_cs.a["ecom02"].employee.number
    assert number == "LT0005"  # the docs' person: an e-commerce agent
    scope = {"requests": Requests(secret)}
    exec(code, scope)  # noqa: S102 - the documented example, as an integrator runs it
    assert scope["cycle_id"] == october_cs.cycle.pk
    assert scope["r"].status_code == 200, scope["report"]
    assert (scope["report"]["ok"], scope["report"]["created"]) == (True, 2)
    missing = scope["still_missing"]
    assert missing and all(
        m[1] not in ("response_time", "reply_rate") for m in missing if m[0] == number
    )
    assert (number, "payment_success") in missing
    system = Appraisal.objects.get(pk=october_cs.a["ecom02"].pk).values["system"]
    assert system == {"response_time": "28", "reply_rate": "0.98"}  # 98% read by its unit
    again = {"requests": Requests(secret)}
    exec(code, again)  # noqa: S102
    assert (again["report"]["unchanged"], again["report"]["changed"]) == (2, False)


def test_the_audit_verifier_recomputes_every_hash_and_catches_a_change(
    finalised,  # noqa: F811
    monkeypatch,
):
    """The docs' verifier, with an audit:read token, walks the demo company's whole chain
    (its organisation, a month opened, stepped through, published, appealed) page by page
    and recomputes every hash; one field changed in one answer is caught."""
    monkeypatch.setattr(CursorPage, "page_size", 7)
    secret = token("auditor", "audit:read")
    code = example("verify the audit trail", secret)
    scope = {"requests": Requests(secret)}
    exec(code, scope)  # noqa: S102 - the documented example, as an auditor runs it
    company = finalised[0].company
    last = AuditEvent.objects.filter(chain=company.pk).order_by("-seq").first()
    assert (scope["last_seq"], scope["head"]) == (last.seq, last.hash)
    assert last.seq > 50  # the whole demo chain, not a few events

    def change(body):
        for e in body.get("results", []):
            if e["seq"] == 20:
                e["reason"] += " "

    with pytest.raises(ValueError, match="event 20: its content does not match its hash"):
        exec(code, {"requests": Requests(secret, alter=change)})  # noqa: S102


def test_the_errors_example_is_what_a_step_out_of_range_answers(workshop):
    """The Errors section's example: a supervisor's attitude points beyond the item's 25
    answer 400 problem+json naming `values.attitude` and the rule `range`."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Errors") :]
    shown = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    c = Client()
    c.force_login(workshop.u["workshop_head"])
    r = c.post(
        f"/api/v1/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        json.dumps({"data": {"values": {**STAFF_VALUES, "attitude": 30}}}),
        content_type="application/json",
    )
    assert r["Content-Type"] == "application/problem+json"
    got = r.json()
    assert {k: got[k] for k in ("type", "title", "status", "field", "rule")} == {
        k: shown[k] for k in ("type", "title", "status", "field", "rule")
    }, got
    assert "25" in got["detail"]
