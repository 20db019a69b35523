"""docs/api.md's worked example "results into payroll" runs as written against the
demo (its `requests` answered by the app, one row a page so that it follows `next`):
it pays every final result once and keeps the cursor for next month."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client

from engine.api.v1.paging import CursorPage
from engine.appraisals.models import Appraisal
from tests.api.test_tokens import token
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(title: str) -> str:
    """The first Python block under the `## Worked example: <title>` heading."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"## Worked example: {title}") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


class Requests:
    """`requests.get` answered by the app: the example's host is the test server's."""

    def __init__(self, secret: str):
        self.client, self.secret = Client(), secret

    def get(self, url, headers, timeout):
        assert headers == {"Authorization": f"Bearer {self.secret}"}
        path = re.sub(r"^https?://[^/]+", "", url)
        r = self.client.get(path, HTTP_AUTHORIZATION=headers["Authorization"])
        assert r.status_code == 200, r.content[:300]
        return SimpleNamespace(json=r.json)


def test_the_results_into_payroll_example_pays_every_final_result_once(
    finalised,  # noqa: F811
    monkeypatch,
):
    """Every final appraisal of the demo month reaches payroll exactly once, and the kept
    cursor then asks for nothing already paid."""
    monkeypatch.setattr(CursorPage, "page_size", 1)
    secret = token("hr", "results:read")
    code = example("results into payroll").replace('"jx_…"', repr(secret))
    code = code.replace("import requests\n", "")
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
