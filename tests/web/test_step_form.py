"""The step form and the live score preview, through the pages a person uses: labels and
descriptions instead of codes, errors at the field with what was typed kept, "95%" read
as a rate, an empty self-review refused, and the preview's total before submitting."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from engine.appraisals.models import AppraisalStep
from engine.plugins.registry import get_template
from tests.month import STAFF_VALUES, at, open_customer_service, open_department, step, submit
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
        f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/",
        {"comment": "完成了月度任务", "confirmed": "1"},
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
    posted = {
        "values.efficiency": "30",
        "values.operation": "21",
        "values.attitude": "22",
        "confirmed": "1",
    }
    r = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    page = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="values.efficiency"' in page and "30 太大：最多为 25。" in page
    assert 'value="21"' in page and 'value="22"' in page
    assert step(a, "supervisor").state == "open"


def test_counts_and_long_remarks_are_refused_in_the_apps_words(workshop, set_clock):
    """A negative event count and remarks over 4,000 characters are refused at their
    fields in the app's words, never Django's stock "确保该值大于或等于0" / "确保该变量…"."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    event = get_template("general", "staff").events[0].code
    posted = {
        **{f"values.{k}": v for k, v in STAFF_VALUES.items()},
        f"events.{event}": "-1",
        "comment": "长" * 4100,
        "confirmed": "1",
    }
    c = client_for(workshop.u["workshop_head"])
    page = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    text = page.content.decode()
    assert page.status_code == 400
    assert "不能为负数" in text and "最多 4000 个字，现有 4100 个字" in text
    assert "确保" not in text


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


def _measured(html: str) -> str:
    return html.split('id="measured-table"', 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize(
    ("dept", "who", "count"),
    [("rnd", "research02", 16), ("finance", "acct02", 2), ("workshop", "staff02", 4)],
)
def test_every_step_page_lists_every_indicator_with_its_source(litong, set_clock, dept, who, count):
    """A researcher's self-review owns none of the 16 items, an accountant's none of
    the 2: the page still lists each with its weight, target, unit and who supplies it,
    read-only, in words (no code), and the reviewer's page lists the same items with
    theirs marked as entered below."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, dept)
    a = w.a[who]
    t = get_template(a.pack, a.role)
    assert len(t.indicators) == count
    page = client_for(w.u[who]).get(f"/appraisals/{a.pk}/").content.decode()
    table = _measured(page)
    assert table.count("<tr data-indicator=") == count
    assert f"共 {count} 项" in page
    for ind in t.indicators:
        assert ind.name_zh in table
        row = table.split(f'data-indicator="{ind.code}"', 1)[1].split("</tr>", 1)[0]
        assert f">{ind.weight.normalize():f}<" in row  # the weight in its own cell
        assert "由您在下方填写" not in row  # the employee enters none of them
    assert "系统指标，由人事导入" in table or dept != "rnd"
    assert "直属上级" in table or "部门负责人" in table
    assert raw_codes(page) == []
    en = client_for(w.u[who], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert f"What this appraisal measures: {count} indicators" in en and raw_codes(en) == []


def test_the_reviewer_sees_its_own_items_marked_and_the_employees_values(workshop, set_clock):
    """The head's page lists the four items as the head's to enter, editable below."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    page = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    table = _measured(page)
    assert table.count("由您在下方填写") == 4  # the four items of general staff
    assert 'id="f-values.efficiency"' in page  # and they are editable below


def test_an_overdue_self_review_says_so_and_shows_the_penalty_before_submitting(
    workshop, set_clock
):
    """Due Monday 2 November: on the 1st the page says what a late hand-in costs; on the
    4th it says the step is overdue, by how long, and that the total loses 10%."""
    a = workshop.a["staff02"]
    c = client_for(workshop.u["staff02"])
    set_clock(at(2026, 11, 1))
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="overdue"' not in page
    assert "如在 2026-11-02 23:59 之后提交，您的总分将扣减 10%" in page
    set_clock(at(2026, 11, 4, 10))
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    notice = page.split('id="overdue"', 1)[1].split("</p>", 1)[0]
    assert (
        "已逾期" in notice
        and '截止于 <span class="whole">2026-11-02 23:59</span>，已超过 1\xa0日' in notice
    )
    assert "现在提交，您的总分将扣减 10%" in notice
    en = client_for(workshop.u["staff02"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert (
        'Overdue</span> This step was due <span class="whole">2026-11-02 23:59</span>, 1\xa0day'
        in en
    )
    assert "Handed in now, your total loses 10%" in en


def test_an_overdue_review_shows_the_reviewers_own_penalty_once(workshop, set_clock):
    """The supervisor's review is due Thursday 5 November; on the 6th the head reads
    that their own appraisal of 2026-10 loses 15%; once charged for one late review,
    the next report's page says a further late one costs nothing more."""
    from engine.appraisals.models import LatePenalty

    set_clock(at(2026, 11, 1))
    for name in ("staff02", "staff03"):
        submit(workshop.a[name], "self", workshop.u[name])
    boss = client_for(workshop.u["workshop_head"])
    set_clock(at(2026, 11, 6))
    page = boss.get(f"/appraisals/{workshop.a['staff02'].pk}/").content.decode()
    assert "您本人 2026-10 的考核总分将扣减 15%" in page and 'id="overdue"' in page
    submit(
        workshop.a["staff02"], "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES}
    )
    assert LatePenalty.objects.filter(step_code="supervisor").count() == 1
    page = boss.get(f"/appraisals/{workshop.a['staff03'].pk}/").content.decode()
    assert "再次逾期不会另外扣分" in page


def test_a_returned_step_reopens_with_its_summary_and_values(litong, set_clock):
    """The e-commerce agent typed follow-up 4.5 and a summary; the supervisor returns
    the step: it reopens with both, and no late penalty is announced for it."""
    a = open_customer_service(litong, set_clock)
    emp = client_for(litong.u["ecom02"])
    set_clock(at(2026, 11, 1))
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}"
    summary = "本月跟进了 120 位客户，转化率提高"
    r = emp.post(
        f"{url}/submit/",
        {"values.follow_up": "4.5", "values.execution": "8", "comment": summary, "confirmed": "1"},
    )
    assert r.status_code == 302
    head = client_for(litong.u["cs_head"])
    sup = step(a, "supervisor")
    r = head.post(
        f"/appraisals/{a.pk}/steps/{sup.pk}/return/",
        {"comment": "请补充数据来源", "confirmed": "1"},
    )
    assert r.status_code == 302
    set_clock(at(2026, 11, 4))  # after the deadline: a returned step is never late again
    page = emp.get(f"/appraisals/{a.pk}/").content.decode()
    form = page.split('id="step-form"', 1)[1].split("</form>", 1)[0]
    assert summary in form and 'value="4.5"' in form
    assert "请补充数据来源" in page and "现在提交不会扣分" in page


def test_a_hand_in_is_confirmed_and_stays_visible(workshop, set_clock):
    """staff02 hands in the self-review late: the first post shows what will be handed
    in (the summary) and the late penalty, and changes nothing; the confirmed post hands
    it in; the page then shows what was submitted, when, and the penalty. The
    supervisor's hand-in is confirmed with the total preview."""
    a = workshop.a["staff02"]
    self_step = step(a, "self")
    set_clock(self_step.due_at + timedelta(days=1))
    c = client_for(workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{self_step.pk}/submit/"
    r = c.post(url, {"comment": "完成了月度任务"})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="submit-summary"' in body and "完成了月度任务" in body
    assert 'id="confirm-late"' in body and 'name="confirmed" value="1"' in body
    assert step(a, "self").state == "open" and raw_codes(body) == []
    assert c.post(url, {"comment": "完成了月度任务", "confirmed": "1"}).status_code == 302
    assert step(a, "self").state == "done"
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    mine = page.split('id="my-submissions"', 1)[1].split("</div>", 1)[0]
    assert "完成了月度任务" in mine and "逾期提交" in mine
    when = timezone.localtime(step(a, "self").completed_at).strftime("%Y-%m-%d %H:%M")
    assert when in mine
    boss = client_for(workshop.u["workshop_head"])
    posted = {f"values.{k}": v for k, v in STAFF_VALUES.items()}
    r = boss.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    body = r.content.decode()
    assert r.status_code == 200 and 'id="submit-summary"' in body and 'id="confirm-total"' in body
    assert step(a, "supervisor").state == "open"


def test_counts_and_event_points_read_as_words_in_the_right_number():
    """ "1 deduction", never "1 deductions"; an event's help says "Deducts 1 point each
    time" / "Adds 2 points each time", never "-1 points each"; the board's messages
    agree with their count too."""
    from decimal import Decimal
    from types import SimpleNamespace

    from django.utils import translation
    from django.utils.translation import ngettext

    from workflows.people.event_words import event_help

    with translation.override("en"):
        one = ngettext("%(n)s deduction", "%(n)s deductions", 1) % {"n": 1}
        assert one == "1 deduction"
        assert event_help(SimpleNamespace(points=Decimal("-1"), code="x")) == (
            "Deducts 1 point each time"
        )
        assert event_help(SimpleNamespace(points=Decimal("2"), code="x")) == (
            "Adds 2 points each time"
        )
        assert event_help(SimpleNamespace(points=Decimal("-0.5"), code="x")) == (
            "Deducts 0.5 points each time"
        )
        reminded = ngettext("%(n)s holder reminded.", "%(n)s holders reminded.", 1)
        assert reminded % {"n": 1} == "1 holder reminded."
    with translation.override("zh-hans"):
        assert event_help(SimpleNamespace(points=Decimal("-1"), code="x")) == "每次扣 1 分"
        assert ngettext("%(n)s deduction", "%(n)s deductions", 1) % {"n": 1} == "扣分 1 项"
