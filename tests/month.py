"""A month driven by the clock on the demo company (力同机械)."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from engine import clock
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.demo.packs import company_on_builtin_packs
from engine.demo.people import load_demo
from engine.org.models import Company, Department
from tests.snapshot import build_once

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
User = get_user_model()


def at(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


@pytest.fixture
def set_clock():
    def _set(moment):
        clock.set_now(moment)
        return moment

    yield _set
    clock.set_now(None)


def demo_litong(*, usable_passwords: bool = False) -> SimpleNamespace:
    """The demo company on the built-in packs: the one organisation the tests share."""
    build_once(("demo_litong", usable_passwords), lambda: _build_litong(usable_passwords))
    co = Company.objects.get(code="litong")
    users = {u.username: u for u in User.objects.all()}
    return SimpleNamespace(company=co, u=users)


def _build_litong(usable_passwords: bool) -> None:
    load_demo(usable_passwords=usable_passwords)
    co = Company.objects.get(code="litong")
    company_on_builtin_packs(actor=User.objects.get(username="hr"), company=co)


def open_department(litong: SimpleNamespace, code: str, **options) -> SimpleNamespace:
    """October 2026 opened by HR for one department (set the clock first): the cycle and
    its appraisals by username."""
    return open_departments(litong, code, **options)


def open_departments(litong: SimpleNamespace, *codes: str, **options) -> SimpleNamespace:
    """October 2026 opened by HR for the departments named (set the clock first)."""
    depts = Department.objects.filter(company=litong.company, code__in=codes)
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=list(depts.values_list("pk", flat=True)),
        **options,
    )
    apps = {
        a.employee.user.username: a
        for a in Appraisal.objects.filter(cycle=cycle).select_related("employee__user")
    }
    return SimpleNamespace(cycle=cycle, a=apps, **vars(litong))


def open_workshop(litong: SimpleNamespace, **options) -> SimpleNamespace:
    """October 2026 opened for the workshop department (set the clock first)."""
    return open_department(litong, "workshop", **options)


@pytest.fixture
def litong(db, set_clock):
    set_clock(at(2026, 10, 20))
    return demo_litong()


STAFF_VALUES = {"efficiency": 20, "operation": 21, "attitude": 22, "knowledge": 19}  # 82 → b


@pytest.fixture
def workshop(litong, set_clock):
    """October 2026 for the workshop: general staff, chain self → supervisor → hr → gm,
    due Nov 2 (Mon), Nov 5 (Thu), Nov 8 (Sun → Mon Nov 9), Nov 10 (Tue)."""
    set_clock(at(2026, 10, 31, 9))
    return open_workshop(litong)


def step(appraisal, code):
    return AppraisalStep.objects.get(appraisal=appraisal, code=code)


def submit(appraisal, code, user, data=None, comment=None):
    """One step handed in through the service; a self-review says a word by default."""
    return services.step_submit(
        actor=user,
        appraisal_id=appraisal.pk,
        step_id=step(appraisal, code).pk,
        data=data,
        comment=("done as planned" if code == "self" else "") if comment is None else comment,
    )


def run_chain(w, name, set_clock, *, self_at, sup_at, hr_at=None, gm_at=None, values=STAFF_VALUES):
    a = w.a[name]
    supervisor = "workshop_head" if name != "workshop_head" else "gm"
    set_clock(self_at)
    submit(a, "self", w.u[name])
    set_clock(sup_at)
    submit(a, "supervisor", w.u[supervisor], {"values": values})
    set_clock(hr_at or at(2026, 11, 6))
    submit(a, "hr", w.u["hr"])
    set_clock(gm_at or at(2026, 11, 10))
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    return a


# Every e-commerce metric at its target: 30 + 30 + 10 + 5 + 5 + 5 = 85 of the 85
# system points; follow-up (5) and execution (10) are typed by people.
ECOM_TARGETS = {"inquiry_conversion": "0.5", "payment_success": "0.8", "avg_order_value": 200}
ECOM_SYSTEM = {
    "sales_completion": "1",
    "inquiry_conversion": "0.5",
    "payment_success": "0.8",
    "avg_order_value": "200",
    "reply_rate": "1",
    "response_time": "30",
}


def open_customer_service(litong, set_clock) -> Appraisal:
    """October 2026 for customer service, opened 31 Oct; HR loads ecom02's metrics."""
    set_clock(at(2026, 10, 31, 9))
    targets = {"customer_service": {"ecommerce_agent": ECOM_TARGETS}}
    a = open_department(litong, "cs", targets=targets).a["ecom02"]
    services.appraisal_set_inputs(actor=litong.u["hr"], appraisal=a, system_values=ECOM_SYSTEM)
    return a


def demo_month(*, finished_months: int, at: dt.datetime | None = None) -> None:
    """Both demo companies with their finished months and the month being appraised
    (as the `demo` command builds them), built once per test process and replayed."""
    from engine.demo.packs import demo_cycle

    def build() -> None:
        load_demo(usable_passwords=False, at=at)
        demo_cycle(finished_months=finished_months)

    build_once(("demo_month", finished_months, at), build)
