"""The annual result page and the API's result resource explain an annual composite
line by line: each month of the year with its total, grade, weight and contribution,
in Chinese and in English."""

import re

import pytest
from django.test import Client

from engine.appraisals import services
from tests.annual import TOTALS, annual_of, fake_results, open_cycle, year_published
from tests.month import at, demo_litong, submit

pytestmark = pytest.mark.django_db
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.fixture
def published_year(set_clock):
    return year_published(set_clock)


def _page(w, a, lang: str) -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(w.u["staff02"])
    r = c.get(f"/appraisals/{a.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_result_page_names_each_month_in_chinese(published_year):
    # January: 80 / 12 = 6.67; the twelve contributions add up to 82.33
    """The employee's annual result page (zh-Hans) has a row per month, linking to the
    month's own result, with its total, grade, share of the year and contribution."""
    w, a = published_year
    page = _page(w, a, "zh-hans")
    table = page[page.index('id="lines-period-table"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r'data-period="(2026-\d\d)"', table) == MONTHS
    assert "在年度中的权重" in page and "贡献" in page
    jan = table[table.index('data-period="2026-01"') :]
    jan = jan[: jan.index("</tr>")]
    assert "80.00" in jan and "8.33%" in jan and "6.67" in jan and "良" in jan
    assert 'href="/appraisals/' in jan
    assert "有最终结果的各月份的加权平均（全年共 12 个" in page
    assert 'id="lines-periods-sum">82.33<' in page


def test_the_result_page_names_each_month_in_english(published_year):
    """The same rows in English, with the rule in words."""
    w, a = published_year
    page = _page(w, a, "en")
    assert "Weight in the year" in page and "Contribution" in page
    assert "weighted mean of the months with a final result" in page
    assert all(f'data-period="{m}"' in page for m in MONTHS)


def test_the_api_result_has_each_period_in_both_languages(published_year):
    """GET /api/v1/appraisals/<id>/: the result's period lines, each worded in Chinese
    and English, and the same in the published version."""
    w, a = published_year
    c = Client()
    c.force_login(w.u["staff02"])
    r = c.get(f"/api/v1/appraisals/{a.pk}/")
    assert r.status_code == 200
    result = r.json()["result"]
    assert [p["period"] for p in result["periods"]] == MONTHS
    jan = result["periods"][0]
    assert jan["text_zh"] == "2026-01：总分 80.00，等级 良好，权重 8.33%，贡献 6.67"
    assert jan["text_en"] == "2026-01: total 80.00, grade Good, weight 8.33%, contribution 6.67"
    assert result["annual"]["counted"] == 12 and result["total"] == "82.33"
    assert r.json()["versions"][0]["result"]["periods"][0]["text_en"] == jan["text_en"]


def test_the_reviewer_sees_the_year_so_far_and_no_fields_to_fill(set_clock):
    """The supervisor's step on an annual appraisal: no score field for the items the
    year stands for, and the year so far, month by month, above the form."""
    w = demo_litong()
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS)})
    set_clock(at(2027, 1, 4))
    open_cycle(w, "year", "2026")
    a = annual_of(w)
    submit(a, "self", w.u["staff02"])
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["workshop_head"])
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="step-form"' in page and 'name="values.' not in page
    assert 'id="year-total">82.33<' in page
    assert re.findall(r'data-period="(2026-\d\d)"', page) == MONTHS


def test_too_few_months_are_said_in_the_readers_words(set_clock):
    """Nine months: the page says in Chinese which months are missing, not a code."""
    w = demo_litong()
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:9])})
    set_clock(at(2027, 1, 4))
    open_cycle(w, "year", "2026")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["staff02"])
    page = c.get(f"/appraisals/{annual_of(w).pk}/").content.decode()
    assert (
        "需要 2026 年 12 个月中至少 10 个月的结果；现有 9 个，缺少 2026-10、2026-11、2026-12"
        in page
    )
    assert "annual.periods" not in page


def test_hr_computes_from_the_year_on_the_board(set_clock):
    """A year's board offers HR "Compute from the year's results"; pressing it takes
    the months that became final since the cycle opened and says how many changed."""
    w = demo_litong()
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:10])})
    set_clock(at(2027, 1, 4))
    cycle = open_cycle(w, "year", "2026")
    fake_results(w, {"2026-11": "84", "2026-12": "91"})
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["hr"])
    board = c.get(f"/hr/cycles/{cycle.pk}/").content.decode()
    assert 'id="compute-year-button"' in board and "按年度结果计算" in board
    r = c.post(f"/hr/cycles/{cycle.pk}/compute-year/", follow=True)
    assert "有 1 份取用了新的或更正后的结果" in r.content.decode()
    assert len(annual_of(w).values["annual"]["periods"]) == 12


def test_the_trail_says_which_results_the_year_took(set_clock, django_capture_on_commit_callbacks):
    """The auditor's trail of a year's cycle: each taking of the year's results in words
    (periods, totals, grades; what changed), never the stored keys."""
    w = demo_litong()
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:10])})
    set_clock(at(2027, 1, 4))
    cycle = open_cycle(w, "year", "2026")
    fake_results(w, {"2026-11": "84", "2026-12": "91"})
    services.cycle_compute_year(actor=w.u["hr"], cycle=cycle)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["auditor"])
    html = c.get("/audit/", {"cycle": cycle.pk}).content.decode()
    assert "当年各期结果（年度综合评判）" in html
    assert "2026-01 80.00 良好、2026-02 85.00 良好、" in html
    assert "2026-11 84.00 良好、2026-12 91.00 良好" in html  # HR's second taking
    for raw in ("values.annual", "annual_composite", "Periods", "periods"):
        assert raw not in html


def test_the_sum_of_the_months_is_the_exact_composite_with_its_rounding(set_clock):
    # 11 months: 897 / 11 = 81.5454… → 81.55; the 11 contributions shown to two places
    # add up to 81.54, so the table says the rounding (+0.01) instead of a sum that
    # disagrees with the total
    """Eleven months (December missing, left out): the table's sum is the composite
    as computed, 81.55, with a rounding line; December says it was left out. The
    appraised person sees the months but, as on any appraisal in progress, no total."""
    w = demo_litong()
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:11])})
    set_clock(at(2027, 1, 4))
    open_cycle(w, "year", "2026")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["workshop_head"])
    page = c.get(f"/appraisals/{annual_of(w).pk}/").content.decode()
    assert 'id="year-total">81.55<' in page and 'id="year-periods-sum">81.55<' in page
    assert "+0.01" in page[page.index('id="year-periods-rounding"') :]
    assert "无最终结果：不计入年度" in page
    # the appraised person reads the months (their own results), no provisional total
    c.force_login(w.u["staff02"])
    mine = c.get(f"/appraisals/{annual_of(w).pk}/").content.decode()
    assert 'data-period="2026-11"' in mine
    assert 'id="year-total"' not in mine and 'id="year-periods-sum"' not in mine
