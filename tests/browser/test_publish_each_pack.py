"""On the demo's open month, one appraisal of each pack goes from its first open step
to a published result through the pages alone: each holder opens it from the page,
fills what the form asks and submits; HR confirms the department's calibration on the
calibration page; the GM approves. (The rest of each department is handed in through
the services, standing in for colleagues doing the same, because a department's
calibration waits until everyone in it is scored.)"""

import random

import pytest
from django.test import override_settings

from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.calibration.selectors import department_plans
from engine.demo.packs import demo_cycle
from engine.demo.simulated_company import form, step_actor
from engine.org.models import CompanyRole
from engine.scoring.needs import needs_team
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "general": "staff",
    "customer_service": "ecommerce_agent",
    "finance_warehouse": "accountant",
    "sales": "sales_rep",
    "rnd": "researcher",
}


def holder_of(step, roles):
    return step.assignee or roles[step.holder_role][0]


def fill_and_submit(page):
    """What a person does with the step form: a value in every field it asks for."""
    f = page.locator("#step-form")
    for sel in f.locator("select[id^='f-values']").all():
        options = [o for o in sel.locator("option").all() if o.get_attribute("value")]
        sel.select_option(options[0].get_attribute("value"))
    for box in f.locator("input[id^='f-values']").all():
        if not box.input_value():
            box.fill("1")
    comment = page.locator("#f-comment")
    if not comment.input_value():
        comment.fill("按计划完成")
    page.click("#submit")
    page.wait_for_selector("[role=status], [role=alert], #publish-confirm, #submit-confirm")
    for confirm in ("#publish-confirm", "#submit-confirm"):  # every hand-in, confirmed once
        if page.locator(confirm).count():
            page.click(f"{confirm} button")
            page.wait_for_selector("[role=status], [role=alert]")
    alert = page.locator("[role=alert]")
    if not alert.count():
        return ""
    return f"{alert.first.get_attribute('data-field')}: {alert.first.inner_text()}"


def others_to_the_gm(cycle, departments, chosen, roles):
    """Everyone else in those departments hands in up to the GM's step."""
    rng = random.Random(7)
    for _round in range(6):
        for a in Appraisal.objects.filter(
            cycle=cycle, department_id__in=departments, state="in_progress"
        ).exclude(pk__in=chosen):
            s = AppraisalStep.objects.filter(appraisal=a, state="open").first()
            if s is None or not AppraisalStep.objects.filter(appraisal=a, seq__gt=s.seq).exists():
                continue
            services.step_submit(
                actor=step_actor(s, a.employee.user_id, roles),
                appraisal_id=a.pk,
                step_id=s.pk,
                data=form(a, s, rng),
                comment="按计划完成",
            )


@override_settings(DEBUG=True)
def test_one_appraisal_of_each_pack_is_published_from_the_pages(live_server, browser, litong_live):
    """general, customer service, finance, sales and R&D: each reaches "published"."""
    cycle = demo_cycle(finished_months=0)
    roles: dict[str, list] = {}
    for cr in CompanyRole.objects.filter(company=cycle.company).select_related("user"):
        roles.setdefault(cr.role, []).append(cr.user)
    chosen = {}
    for pack, role in ROLES.items():
        a = (
            Appraisal.objects.filter(cycle=cycle, pack=pack, role=role, state="in_progress")
            .order_by("-pk")
            .first()
        )
        assert a is not None and not needs_team(template_for(a)), pack
        chosen[pack] = a
    base, pages = live_server.url, {}

    def page_of(user):
        if user.username not in pages:
            pages[user.username] = log_in(browser, base, user.username)[1]
        return pages[user.username]

    # every step before the GM's, from the pages
    for pack, a in chosen.items():
        for _ in range(6):
            s = AppraisalStep.objects.filter(appraisal=a, state="open").first()
            if not AppraisalStep.objects.filter(appraisal=a, seq__gt=s.seq).exists():
                break
            page = page_of(holder_of(s, roles))
            page.goto(f"{base}/appraisals/{a.pk}/")
            problem = fill_and_submit(page)
            assert problem == "", f"{pack} {s.code}: {problem}"
    departments = {a.department_id for a in chosen.values()}
    # small departments are calibrated with their parent (policies.md §4.1): everyone
    # on the chosen people's calibration cards is handed in
    plans = department_plans(cycle)
    for _ in range(len(plans)):
        departments |= {d for p in plans if set(p.departments) & departments for d in p.departments}
    others_to_the_gm(cycle, departments, [a.pk for a in chosen.values()], roles)
    # HR calibrates each department on the page: proposals, ties, then confirms
    hr = page_of(roles["hr"][0])
    for _ in range(12):
        hr.goto(f"{base}/hr/cycles/{cycle.pk}/calibration/")
        todo = [
            c
            for d in departments
            for c in hr.locator(f"[data-department='{d}']").all()
            if c.locator(".confirm button").count()
        ]
        if not todo:
            break
        form_ = next(
            (
                c.locator(k).first
                for c in todo
                for k in (".apply", ".drop-ties")
                if c.locator(k).count()
            ),
            None,
        )
        card = todo[0]
        if form_ is not None:
            form_.locator("input[name=reason]").fill("超出比例上限")
            form_.locator("button").click()
        else:
            card.locator(".confirm button").click()
            hr.wait_for_selector("#calibration-confirm, [role=alert]")
            if hr.locator("#calibration-confirm").count():
                hr.click("#calibration-confirm button")
        hr.wait_for_selector("[role=status], [role=alert]")
        assert not hr.locator("[role=alert]").count(), hr.locator("[role=alert]").inner_text()
    gm = page_of(roles["gm"][0])
    for pack, a in chosen.items():
        s = AppraisalStep.objects.get(appraisal=a, state="open")
        page = page_of(holder_of(s, roles)) if s.code != "gm" else gm
        page.goto(f"{base}/appraisals/{a.pk}/")
        problem = fill_and_submit(page)
        assert problem == "", f"{pack} {s.code}: {problem}"
        a.refresh_from_db()
        assert a.state == "published", pack
        page.goto(f"{base}/appraisals/{a.pk}/")
        assert page.locator("#total").inner_text() == str(a.total)
