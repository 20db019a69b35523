"""The step form and the live score preview, through the pages a person uses: labels and
descriptions instead of codes, errors at the field with what was typed kept, "95%" read
as a rate, an empty self-review refused, and the preview's total before submitting."""

import json

import pytest
from django.test import Client

from engine.appraisals.models import AppraisalStep
from engine.plugins.registry import get_template
from tests.month import STAFF_VALUES, at, open_customer_service, step, submit
from tests.web.visible import raw_codes
from workflows.people.forms import StepForm

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_supervisor_form_shows_labels_descriptions_and_the_self_review(workshop, set_clock):
    """The supervisor's form names each item in the reader's language with its rule in
    words, never a code; the employee's own summary is shown beside it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = client_for(workshop.u["staff02"])
    r = c.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/", {"comment": "完成了月度任务"}
    )
    assert r.status_code == 302
    page = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert "工作效率" in page and "评分人直接给分，0–25 分" in page
    assert "直属上级评分" in page and "preview" in page
    en = client_for(workshop.u["workshop_head"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert "efficiency" in en and "the rater gives 0 to 25 points" in en
    assert raw_codes(page) == [] and raw_codes(en) == []


def test_an_empty_self_review_is_refused_at_its_field(workshop, set_clock):
    """General staff own no item in their self-review: the summary is required, and the
    refusal is shown at the field (400), nothing changes."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = client_for(workshop.u["staff02"])
    r = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/", {"comment": "  "})
    assert r.status_code == 400
    assert 'data-field="comment"' in r.content.decode()
    assert step(a, "self").state == "open"


def test_errors_stay_at_the_field_and_typed_values_are_kept(workshop, set_clock):
    """30 points for an item worth 25 is refused at that field, in Chinese, and every
    value typed comes back in the form."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    c = client_for(workshop.u["workshop_head"])
    posted = {"values.efficiency": "30", "values.operation": "21", "values.attitude": "22"}
    r = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    page = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="values.efficiency"' in page and "请填写 0 到 25 之间的数字" in page
    assert 'value="21"' in page and 'value="22"' in page
    assert step(a, "supervisor").state == "open"


def test_percentages_are_read_as_rates():
    """ "45%" and "45" both mean 0.45 for a rate; "0.45" stays 0.45; text is refused."""
    t = get_template("customer_service", "ecommerce_agent")
    for raw in ("45%", "45", "0.45", "45 %"):
        form = StepForm({"values.inquiry_conversion": raw}, template=t, step="hr")
        form.is_valid()
        assert form.cleaned_data.get("values.inquiry_conversion") == "0.45", raw
    form = StepForm({"values.inquiry_conversion": "abc"}, template=t, step="hr")
    assert not form.is_valid() and "values.inquiry_conversion" in form.errors


def test_the_preview_scores_as_values_are_typed(workshop, set_clock, django_assert_max_num_queries):
    """Two items typed: their lines are scored and the total waits; all four: total 82 and
    grade 良好 (b), computed by the scoring core, nothing saved."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    c = client_for(workshop.u["workshop_head"])
    half = json.loads(c.post(url, {"values.efficiency": "20", "values.operation": "21"}).content)
    assert half["complete"] is False and half["total"] is None
    assert [ln["score"] for ln in half["lines"]] == ["20.00", "21.00", None, None]
    assert half["lines"][0]["label"] == "工作效率" and "工作态度" in half["waiting"]
    full = {f"values.{k}": v for k, v in STAFF_VALUES.items()}
    with django_assert_max_num_queries(20):
        done = json.loads(c.post(url, full).content)
    # 20 + 21 + 22 + 19 = 82 → b 良好
    assert (done["complete"], done["total"], done["grade"]) == (True, "82.00", "良好")
    assert AppraisalStep.objects.get(pk=step(a, "supervisor").pk).state == "open"
    assert client_for(workshop.u["staff03"]).post(url, full).status_code == 403


def test_the_preview_says_a_late_penalty_applies(workshop, set_clock):
    """After the due moment the preview warns that handing in now costs 10% of the total."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 3, 9))  # the self-review was due on Nov 2
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/preview/"
    data = json.loads(client_for(workshop.u["staff02"]).post(url, {}).content)
    assert "10%" in data["late"]


def test_the_employee_api_hides_the_provisional_total(workshop, set_clock):
    """Before publication the employee's JSON has no total or grade; the GM's has them."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    submit(a, "hr", workshop.u["hr"])
    own = json.loads(client_for(workshop.u["staff02"]).get(f"/api/v1/appraisals/{a.pk}/").content)
    gm = json.loads(client_for(workshop.u["gm"]).get(f"/api/v1/appraisals/{a.pk}/").content)
    assert (own["total"], own["grade"]) == (None, None)
    assert (gm["total"], gm["grade"]) == ("82.00", "b")


def test_a_refused_page_action_answers_403_not_a_server_error(workshop, set_clock):
    """A colleague posting to someone's step, or to an unknown action, is refused cleanly."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = client_for(workshop.u["staff03"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}"
    assert c.post(f"{url}/submit/", {"comment": "x"}).status_code == 403
    assert c.post(f"{url}/return/", {"comment": "x"}).status_code == 403
    own = client_for(workshop.u["staff02"])
    assert own.post(f"{url}/explode/", {}).status_code == 404
    assert own.post(f"{url}/return/", {"comment": "x"}).status_code == 400


def test_the_self_review_preview_stands_in_for_the_supervisor(litong, set_clock):
    """An e-commerce agent with the month's metrics loaded (85 of 85 system points) types
    follow-up 5 and execution 4: 85 + 5 + 4 = 94.00 → b, said to be provisional because
    the supervisor has yet to score those two items."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    c = client_for(litong.u["ecom02"])
    s = step(a, "self")
    r = c.post(
        f"/appraisals/{a.pk}/steps/{s.pk}/preview/",
        {"values.follow_up": "5", "values.execution": "4"},
    )
    data = r.json()
    assert (data["total"], data["grade"], data["complete"]) == ("94.00", "良好", True)
    assert "暂定" in data["assumed"]
    assert step(a, "self").state == "open"  # nothing written
