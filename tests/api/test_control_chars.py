"""A NUL or another control character anywhere in a JSON body (a string, a nested
object's key, an item of a list) is refused with problem+json naming where it sits,
before any serializer or write sees it: PostgreSQL refuses `\\u0000` in text and jsonb
(a 500 deep in a write), and a spreadsheet cannot hold the other controls."""

import json

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.api.parsers import control_at
from engine.appeals.models import Appeal
from engine.org.models import Employee
from tests.api.test_org_and_appeals import ROW
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db


def _send(c, method, url, raw: str):
    return getattr(c, method)(url, raw, content_type="application/json")


def test_a_control_character_in_a_json_body_is_a_400_naming_its_place(litong):
    """`\\u0000` in a people row, `\\u0007` in a nested key: 400 problem+json whose
    field is the path to the value, in the caller's language; nothing is stored; the
    same row without it is accepted."""
    hr = Client()
    hr.force_login(litong.u["hr"])
    url = "/api/v1/people/?company=litong"
    nul = json.dumps({"rows": [{**ROW, "name": "韩\u0000梅梅"}]})
    assert "\\u0000" in nul  # the escape a client sends, decoded to NUL by the parser
    r = _send(hr, "put", url, nul)
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert (body["field"], body["rule"]) == ("rows[0].name", "no_nul")
    bell_key = json.dumps({"rows": [{**ROW, "na\u0007me": "x"}]})
    r = _send(hr, "put", url, bell_key)
    assert r.status_code == 400 and r.json()["field"] == "rows[0].name"
    zh = hr.put(url, nul, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "控制字符" in zh.json()["detail"]
    assert not Employee.objects.filter(number=ROW["number"]).exists()
    ok = _send(hr, "put", url, json.dumps({"rows": [{**ROW, "name": "韩梅梅\t"}]}))
    assert ok.status_code == 200, ok.content


def test_an_appeal_reason_with_a_bell_is_refused_and_nothing_is_filed(workshop, set_clock):
    """The appeal reason is stored as text: a bell (which DRF's own character check lets
    through, and which no spreadsheet cell can hold) is a 400 naming `reason`, no appeal
    exists afterwards, and line breaks and tabs stay allowed."""
    w = workshop
    a = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11, 9))
    me = Client()
    me.force_login(w.u["staff02"])
    url = f"/api/v1/appraisals/{a.pk}/appeal/"
    raw = json.dumps({"items": ["attitude"], "reason": "no\u0007letters"})
    r = _send(me, "post", url, raw)
    assert (r.status_code, r.json()["field"]) == (400, "reason")
    assert not Appeal.objects.filter(appraisal=a).exists()
    fine = json.dumps({"items": ["attitude"], "reason": "first line\nsecond\tline"})
    assert _send(me, "post", url, fine).status_code == 201


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r"),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        TEXT,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=8,
    )
)
def test_bodies_without_controls_pass_untouched(value):
    """Anything built from text without controls (tab, LF and CR are text) passes."""
    assert control_at(value) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(TEXT, min_size=1, max_size=4),
    st.integers(0, 3),
    st.sampled_from(["\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85"]),
)
def test_a_control_anywhere_is_found_with_its_path(words, where, control):
    """One control character placed in the n-th item of a list is found there, by its
    path, whatever else the body holds."""
    where = min(where, len(words) - 1)
    words[where] += control
    found = control_at({"comment": "fine", "rows": [{"note": t} for t in words]})
    assert found == f"rows[{where}].note"


def test_a_json_reason_keeps_one_character_per_line_break(workshop, set_clock):
    """ "\\r\\n" in a JSON reason is stored as "\\n", as a form post's line breaks are:
    the appeal reads and counts the same whichever way it came."""
    w = workshop
    a = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11, 9))
    me = Client()
    me.force_login(w.u["staff02"])
    raw = json.dumps({"items": ["attitude"], "reason": "first\r\nsecond\rthird"})
    r = _send(me, "post", f"/api/v1/appraisals/{a.pk}/appeal/", raw)
    assert r.status_code == 201, r.content
    assert Appeal.objects.get(appraisal=a).reason == "first\nsecond\nthird"
