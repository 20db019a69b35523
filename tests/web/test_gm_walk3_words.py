"""Words on the GM's pages a person could misread (walk 3): the GM's own appraisal's
last step is the board's approval, not "the GM's approval · board"; the bulk button
counts in proper plurals; a list of people that goes on says "n more people"."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from engine.appraisals.models import AppraisalStep
from tests.month import at
from tests.web.test_gm_overview import client_for, staff, to_gm
from workflows.common.calibration_words import _names
from workflows.common.labels import step_label

pytestmark = pytest.mark.django_db


def test_the_gms_own_approval_is_named_as_the_boards():
    """The GM step held by the board (the GM's own appraisal) is named as the board's
    approval of the GM's own appraisal; the GM step of anyone else keeps its name."""
    own = AppraisalStep(code="gm", holder_role="board")
    other = AppraisalStep(code="gm", holder_role="gm")
    with translation.override("zh-hans"):
        assert step_label(own) == "董事会审批（总经理本人的考核）"
        assert step_label(other) == step_label("gm") == "总经理审批"
    with translation.override("en"):
        assert step_label(own) == "Board approval (the general manager's own appraisal)"


def test_the_bulk_button_counts_in_plurals(workshop, set_clock):
    """One ready result: "Approve 1 result…"; two: "Approve these 2 results…"."""
    set_clock(at(2026, 11, 1))
    first, second = staff(workshop)
    gm = client_for(workshop.u["gm"], lang="en")
    url = f"/gm/?company=litong&cycle={workshop.cycle.pk}"
    to_gm(workshop, first)
    body = gm.get(url).content.decode()
    assert "Approve 1 result…" in body and "Approve these 1" not in body
    to_gm(workshop, second)
    assert "Approve these 2 results…" in gm.get(url).content.decode()


def test_more_people_are_counted_as_people():
    """Past the names shown, the rest of a list of people is "另有 n 人" (not "项"),
    "and 1 more person" in English."""
    people = [SimpleNamespace(pk=i, employee=SimpleNamespace(name=f"员工{i}")) for i in range(1, 9)]
    with translation.override("zh-hans"):
        assert "另有 3 人" in _names(SimpleNamespace(unscored=people), links=False)
    with translation.override("en"):
        words = _names(SimpleNamespace(unscored=people[:6]), links=False)
        assert words.endswith("and 1 more person")
