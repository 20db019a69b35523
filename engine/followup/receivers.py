"""Receivers of the appraisal engine's signals (connected in `apps.py`)."""

from __future__ import annotations

from .opening import followups_open
from .plans import plan_open_if_required


def open_after_publication(sender, *, appraisal, version, **kwargs) -> None:
    """`published`: the pack's steps after this version open."""
    followups_open(appraisal=appraisal, version=version)
    plan_open_if_required(appraisal=appraisal)
