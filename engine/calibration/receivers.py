"""Calibration's part in publication, through the appraisal engine's signals
(`engine.appraisals.signals`), connected in `CalibrationConfig.ready()`."""

from __future__ import annotations

from .services import final_approval_gate, fit_confirmed_caps


def hold_final_approval(sender, *, appraisal, **kwargs) -> None:
    """`final_approval_check`: raises `Conflict` until HR confirmed the department."""
    final_approval_gate(appraisal)


def fit_late_grade(sender, *, appraisal, grade, **kwargs) -> str | None:
    """`grade_fit`: a result published after its department's calibration takes the
    grade that has room under the confirmed caps."""
    return fit_confirmed_caps(appraisal, grade)
