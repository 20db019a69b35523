"""The trail in the words of the pages it records (walk 3): an indicator is named as the
appraisal's own page names it (its pinned template, never whichever installed pack
first used the code), with a bounded number of queries; the verification's count agrees
with the counts listed under it."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from tests.month import at, open_departments
from workflows.auditor.words import DataWords, lines
from workflows.common.labels import name

pytestmark = pytest.mark.django_db


def client(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def _event(a, seq, values):
    """A step's hand-in as the engine records it (not saved: the words need its data)."""
    return AuditEvent(
        chain=a.company_id,
        seq=seq,
        at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC),
        company_id=a.company_id,
        action="submit:supervisor",
        role="system",
        object_type="appraisals.appraisal",
        object_id=str(a.pk),
        after={"values": values},
    )


@pytest.fixture
def translation_zh():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def everyone(litong, set_clock):
    """October for every department: every role's template pinned by an appraisal."""
    set_clock(at(2026, 10, 31, 9))
    codes = ["cs", "finance", "gm_office", "hr", "rnd", "sales", "workshop"]
    return open_departments(litong, *codes)


def _renamed(apps):
    """(appraisal, indicator) pairs whose name differs from the first installed pack's
    indicator of the same code: where a trail naming by code alone goes wrong."""
    first = DataWords([]).indicators
    out = []
    for a in apps:
        for ind in template_for(a).indicators:
            if ind.code in first and name(first[ind.code]) != name(ind):
                out.append((a, ind))
    return out


def test_indicators_are_named_as_on_the_appraisal_page(everyone, translation_zh):
    """Each hand-in's values name the indicators as the appraisal's pinned template does
    (the appraisal page's source), even where another pack uses the same code."""
    apps = list(Appraisal.objects.filter(cycle=everyone.cycle))
    renamed = _renamed(apps)
    assert renamed, "the built-in packs share a code under two names (e.g. teamwork)"
    events = [_event(a, i, {ind.code: 3}) for i, (a, ind) in enumerate(renamed, 1)]
    for line, (_a, ind) in zip(lines(events, everyone.u["gm"]), renamed, strict=True):
        assert f": {name(ind)} " in line.after, (line.after, name(ind))


def test_naming_indicators_takes_no_query_per_row(
    everyone, translation_zh, django_assert_max_num_queries
):
    """The words for 5 rows and for all of them cost the same bounded number of queries:
    templates are read once per pinned hash, never once per row."""
    apps = list(Appraisal.objects.filter(cycle=everyone.cycle).order_by("pk"))
    few = [_event(a, i, {"teamwork": 3}) for i, a in enumerate(apps[:5], 1)]
    many = [_event(a, i, {"teamwork": 3}) for i, a in enumerate(apps, 1)]
    assert len(many) > 3 * len(few)
    lines(few, everyone.u["gm"])  # templates cached, as on any page after the first
    lines(many, everyone.u["gm"])
    with django_assert_max_num_queries(12) as few_q:
        lines(few, everyone.u["gm"])
    with django_assert_max_num_queries(len(few_q.captured_queries)):
        lines(many, everyone.u["gm"])


def test_the_verification_count_agrees_with_the_chains(everyone):
    """After verifying, the message's total is the sum of the per-company counts listed
    below it (the check's own record counted, and said so)."""
    auditor = client(everyone.u["gm"])
    page = auditor.post("/audit/verify/", follow=True).content.decode()
    said = re.search(r"合计 (\d+) 条", page)
    assert said, "the message says the total the chains hold"
    counts = re.findall(r'<dd class="num-inline">(\d+)</dd>', page)
    assert counts and int(said.group(1)) == sum(int(n) for n in counts)
