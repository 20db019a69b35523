"""The step form: the fields a step enters, built from the pinned template, and the
posted fields turned back into the service's `data` shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.appraisals.entries import raters_of
from engine.errors import InvalidInput
from engine.scoring import Indicator, RoleTemplate

DEDUCTION_ROWS = 3


@dataclass
class Field:
    name: str
    label: str
    kind: str  # number | choice | json
    choices: list[tuple[str, str]] = field(default_factory=list)
    max: str = ""
    hint: str = ""


def _field(ind: Indicator) -> Field:
    label = f"{ind.name_zh} / {ind.name_en}"
    if ind.rule == "rating":
        return Field(
            f"values.{ind.code}",
            label,
            "choice",
            [(lv.code, f"{lv.label_zh} ({lv.code})") for lv in ind.levels()],
        )
    if ind.rule == "scale":
        n = int(ind.params.get("n", 5))
        return Field(
            f"values.{ind.code}", label, "choice", [(str(i), str(i)) for i in range(1, n + 1)]
        )
    if ind.rule == "custom":
        return Field(f"values.{ind.code}", label, "json", hint='{"quit": 0, "dismissed": 0}')
    return Field(
        f"values.{ind.code}", label, "number", max=str(ind.weight) if ind.rule == "manual" else ""
    )


def step_fields(t: RoleTemplate, step: str) -> dict[str, Any]:
    mine = raters_of(step, [s.code for s in t.chain])
    values = [_field(i) for i in t.indicators if i.rule != "deduction" and set(i.sources) & mine]
    deductions = [i for i in t.indicators if i.rule == "deduction" and set(i.sources) & mine]
    return {
        "values": values,
        "deductions": deductions,
        "deduction_rows": range(DEDUCTION_ROWS),
        "events": t.events if step != "self" else (),
        "reviewer": step != "self",
    }


def data_from_post(t: RoleTemplate, step: str, post) -> dict[str, Any]:
    spec = step_fields(t, step)
    data: dict[str, Any] = {"values": {}, "deductions": {}, "events": {}}
    for f in spec["values"]:
        raw = post.get(f.name, "").strip()
        if raw == "":
            continue
        code = f.name.split(".", 1)[1]
        if f.kind == "json":
            try:
                data["values"][code] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InvalidInput("must be JSON", field=f.name, rule="json") from exc
        else:
            data["values"][code] = raw
    for ind in spec["deductions"]:
        rows = []
        for i in spec["deduction_rows"]:
            points = post.get(f"deductions.{ind.code}.{i}.points", "").strip()
            reason = post.get(f"deductions.{ind.code}.{i}.reason", "")
            if points or reason.strip():
                rows.append({"points": points, "reason": reason})
        if rows:
            data["deductions"][ind.code] = rows
    for ev in spec["events"]:
        raw = post.get(f"events.{ev.code}", "").strip()
        if raw not in ("", "0"):
            if not raw.isdigit():
                raise InvalidInput(
                    "must be a whole number", field=f"events.{ev.code}", rule="integer"
                )
            data["events"][ev.code] = int(raw)
    if spec["reviewer"] and post.get("falsified"):
        data["falsified"] = True
    return data
