"""The appraisal engine's extension points (`engine.appraisals.signals`): each signal
is documented with every argument its senders pass and is named on the architecture
page; the higher apps are connected to them; a receiver can refuse, and the first
grade named wins; with no receiver the engine holds nothing and fits nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.dispatch import Signal

from engine.appraisals import signals
from engine.appraisals.models import Appraisal
from engine.appraisals.services import check_final_approval, fitted_grade
from engine.deadlines import signals as deadline_signals
from engine.errors import Conflict

ROOT = Path(__file__).resolve().parents[2]
SIGNALS = {
    name: s
    for module in (signals, deadline_signals)
    for name, s in vars(module).items()
    if isinstance(s, Signal)
}


def _sent_arguments() -> dict[str, set[str]]:
    """Every `signals.<name>.send(...)` in the project, with the keyword arguments passed."""
    sent: dict[str, set[str]] = {}
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            f = node.func if isinstance(node, ast.Call) else None
            if not (isinstance(f, ast.Attribute) and f.attr == "send"):
                continue
            target = f.value
            if isinstance(target, ast.Attribute) and target.attr in SIGNALS:
                sent.setdefault(target.attr, set()).update(
                    k.arg for k in node.keywords if k.arg and k.arg != "sender"
                )
    return sent


def test_every_signal_is_documented_with_the_arguments_it_is_sent_with():
    """Each signal has its own docstring naming every keyword argument a sender passes
    and the sender, and the architecture page names it: the signals are the contract
    between the engine and the apps above it."""
    page = (ROOT / "docs" / "architecture.md").read_text()
    sent = _sent_arguments()
    assert set(sent) == set(SIGNALS), "a signal nobody sends, or one sent from elsewhere"
    for name, s in SIGNALS.items():
        doc = s.__doc__ or ""
        assert doc != Signal.__doc__ and len(doc.split()) > 20, name
        assert "Sender:" in doc, name
        for arg in sent[name]:
            assert f"`{arg}`" in doc, f"{name} is sent with {arg}, which its doc does not name"
        assert f"`{name}`" in page, f"{name} is missing from docs/architecture.md"


@pytest.mark.parametrize(
    ("name", "app"),
    [
        ("final_approval_check", "engine.calibration"),
        ("grade_fit", "engine.calibration"),
        ("cycle_final", "engine.outcomes"),
        ("finalise_held", "engine.appeals"),
        ("departure_held", "engine.appeals"),
        ("departure_moves", "engine.appeals"),
    ],
)
def test_the_higher_apps_are_connected_to_the_signals(name, app):
    """Calibration, outcomes and appeals take part through the signals (connected in
    their AppConfig.ready), from their receivers modules."""
    modules = {r.__module__ for r in SIGNALS[name]._live_receivers(Appraisal)[0]}
    assert f"{app}.receivers" in modules


@pytest.mark.parametrize(
    ("name", "modules"),
    [
        ("step_kinds", {"engine.appraisals.deadlines", "engine.appeals.deadlines"}),
        ("after_sweep", {"engine.appraisals.deadlines"}),
    ],
)
def test_the_apps_with_deadlines_are_connected_to_the_sweep(name, modules):
    """Appraisals and appeals declare their steps to the sweep, and appraisals finalise
    after it, through the deadlines app's signals: the sweep names neither."""
    connected = {r.__module__ for r in SIGNALS[name]._live_receivers(None)[0]}
    assert modules <= connected


def test_the_sweep_counts_what_each_kind_declares():
    """The sweep's result holds its own counters and those the step kinds and the
    after-sweep job name (the appeal steps' reminders, the finalised results)."""
    from engine.deadlines.sweep import SweepResult, step_kinds

    names = set(SweepResult(step_kinds()).as_dict())
    assert {"remind_before", "overdue", "notifications", "appeal_overdue"} <= names


@pytest.fixture
def no_receivers():
    """Every signal with no receiver, as if no app above were installed (restored after)."""
    saved = {s: s.receivers for s in SIGNALS.values()}
    for s in saved:
        s.receivers = []
        s.sender_receivers_cache.clear()
    yield
    for s, receivers in saved.items():
        s.receivers = receivers
        s.sender_receivers_cache.clear()


def test_without_receivers_nothing_holds_the_approval_or_fits_the_grade(no_receivers):
    """The engine alone (no calibration): the final approval is not held and a grade
    stays as scored."""
    a = Appraisal()
    check_final_approval(a)
    assert fitted_grade(a, "b") is None


def test_a_receiver_holds_the_final_approval_by_raising(no_receivers):
    """A receiver of `final_approval_check` refuses with the domain error, which reaches
    the caller unchanged."""

    def hold(sender, *, appraisal, **kwargs):
        raise Conflict("held", field="calibration", rule="confirmed")

    signals.final_approval_check.connect(hold, weak=False)
    with pytest.raises(Conflict) as err:
        check_final_approval(Appraisal())
    assert (err.value.field, err.value.rule) == ("calibration", "confirmed")


def test_the_first_receiver_that_names_a_grade_wins(no_receivers):
    """`grade_fit` receivers are asked in the order they were connected; one that
    names no grade (None or empty) is passed over."""
    signals.grade_fit.connect(lambda sender, **kw: None, weak=False)
    signals.grade_fit.connect(lambda sender, **kw: "", weak=False)
    signals.grade_fit.connect(lambda sender, *, grade, **kw: f"{grade}-1", weak=False)
    signals.grade_fit.connect(lambda sender, **kw: "z", weak=False)
    assert fitted_grade(Appraisal(), "b") == "b-1"
