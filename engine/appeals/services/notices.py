"""What the holders of an appeal step and the person who appealed are told. The
sentences are made in the reader's language from the stored params
(engine/notifications/wording.py), so the params carry everything the reader needs:
the holder by name, the due moment, what was contested and, at the close, the outcome
and what it changed."""

from __future__ import annotations

import zoneinfo

from django.utils import translation

from engine.appraisals.models import Appraisal, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.deadlines.holding import holders_of
from engine.lists import ZH
from engine.notifications.services import Message, notify_many

from ..items import SPECIAL
from ..models import Appeal, AppealStep
from ..selectors import holder_names


def _moment(appeal: Appeal, at) -> str:
    """A due moment as the company's clock reads it (the appellant's deadline is the
    company's)."""
    zone = zoneinfo.ZoneInfo(appeal.appraisal.company.time_zone)
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _holder(appeal: Appeal, step: AppealStep) -> dict:
    """The step's holder for the params: the people by name, and the company role
    when the step is held by a role (the words are made when the notice is read)."""
    names = holder_names([step], appeal.company_id)
    return {
        "holder": ZH.join(names.get(step.pk, [])),
        "holder_role": "" if step.assignee_id else step.holder_role,
    }


def tell_holders(appeal: Appeal, step: AppealStep) -> None:
    """Everyone who holds the step, never the person who filed the appeal."""
    ((_, users),) = holders_of([step], appeal.company_id)
    notify_many(
        [
            Message(
                u,
                appeal.company_id,
                "appeal_step",
                f"申诉待处理/Appeal to handle: {step.code} "
                f"(#{appeal.appraisal_id}), due {step.due_date}",
                f"appeal:{appeal.pk}:{step.seq}",
                appeal.appraisal_id,
                {
                    "employee": appeal.appraisal.employee.name,
                    "step": step.code,
                    "due": step.due_date.isoformat(),
                },
            )
            for u in users
            if u != appeal.filed_by_id
        ]
    )


def tell_appellant(appeal: Appeal, step: AppealStep) -> None:
    """The person who appealed follows it step by step, not only at its close: who has
    it now and by when."""
    a = appeal.appraisal
    notify_many(
        [
            Message(
                appeal.filed_by_id,
                appeal.company_id,
                "appeal_moved",
                f"申诉进展/Your appeal moved on: {step.code}, due {step.due_date}",
                f"appeal_moved:{appeal.pk}:{step.seq}",
                appeal.appraisal_id,
                {
                    "period": a.cycle.period,
                    "step": step.code,
                    "due": _moment(appeal, step.due_at),
                    **_holder(appeal, step),
                },
            )
        ]
    )


def _item_names(a: Appraisal, codes: list[str]) -> dict[str, str]:
    """The contested items named in both languages, joined with "、" (the page rejoins
    them with the reader's list comma)."""
    t = template_for(a)
    out = {}
    for lang, key in (("zh-hans", "items"), ("en", "items_en")):
        with translation.override(lang):
            words = []
            for code in codes:
                found = t.indicator(code) or t.event(code)
                if code in SPECIAL:  # inside the sentence: "the grade", as the packs write
                    w = str(SPECIAL[code])
                    words.append(w[:1].lower() + w[1:] if lang == "en" else w)
                elif found is not None:
                    words.append(found.name_en if lang == "en" else found.name_zh)
                else:
                    words.append(code)
            out[key] = ZH.join(words)
    return out


def tell_filed(appeal: Appeal, step: AppealStep) -> None:
    """The receipt: the appellant is told at once that the appeal was received, what it
    contests, who answers first and by when — not left to wonder until a step moves."""
    a = appeal.appraisal
    notify_many(
        [
            Message(
                appeal.filed_by_id,
                appeal.company_id,
                "appeal_filed",
                f"申诉已收到/Your appeal was received: {step.code}, due {step.due_date}",
                f"appeal_filed:{appeal.pk}",
                appeal.appraisal_id,
                {
                    "period": a.cycle.period,
                    "step": step.code,
                    "due": _moment(appeal, step.due_at),
                    **_item_names(a, appeal.items),
                    **_holder(appeal, step),
                },
            )
        ]
    )


def _grade_names(a: Appraisal, code: str) -> tuple[str, str]:
    g = next((g for g in template_for(a).grades if g.code == code), None)
    return (g.name_zh, g.name_en) if g else (code, code)


def tell_closed(appeal: Appeal, a: Appraisal) -> None:
    """The closing notice says how the appeal ended, in words, and what the result is
    now: an upheld appeal names the total and grade before and after the correction;
    any other outcome says the result stands."""
    grade, grade_en = _grade_names(a, a.calibrated_grade or a.grade)
    params = {
        "period": a.cycle.period,
        "outcome": appeal.outcome,
        "reason": appeal.decision_reason[:500],
        "total": str(a.total),
        "grade": grade,
        "grade_en": grade_en,
    }
    before = ResultVersion.objects.filter(appraisal=a, number=appeal.version_before).first()
    if appeal.outcome == Appeal.Outcome.UPHELD and before is not None:
        was, was_en = _grade_names(a, (before.result or {}).get("calibrated_grade") or before.grade)
        params.update(total_before=str(before.total), grade_before=was, grade_before_en=was_en)
    notify_many(
        [
            Message(
                appeal.filed_by_id,
                appeal.company_id,
                "appeal_closed",
                f"申诉已结案/Your appeal is closed: {appeal.get_outcome_display()}",
                f"appeal_closed:{appeal.pk}",
                appeal.appraisal_id,
                params,
            )
        ]
    )
