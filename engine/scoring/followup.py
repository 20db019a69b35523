"""What follows a published result (docs/rulepacks.md, `jixiao_followup_steps`): the
steps a pack declares per role — the employee's acknowledgement (确认签字) and the
supervisor's feedback interview (绩效面谈) — with their deadlines in working days and,
where the seed has one, the event a missed interview records on the supervisor's own
appraisal. Pure data, checked by `problems()`."""

from __future__ import annotations

from dataclasses import dataclass

ACKNOWLEDGE = "acknowledge"
INTERVIEW = "interview"
KINDS = (ACKNOWLEDGE, INTERVIEW)


@dataclass(frozen=True)
class FollowUpStep:
    """One step after publication.

    `kind`: `acknowledge` (held by the appraised employee: read the published version,
    confirm it or decline with a reason, and sign) or `interview` (held by the direct
    supervisor: schedule, hold and record the feedback interview). `working_days`: due
    that many working days after the day the result is published, on the company's
    calendar. `roles`: the pack's roles it applies to (empty: every role).
    `missed_event`: the event code recorded once on the holder's own appraisal of the
    same cycle when an interview is not held by its due moment (its points are the
    event's, in the holder's role template); empty: no penalty. `source`: the seed's
    words, for the catalogue."""

    kind: str
    working_days: int
    roles: tuple[str, ...] = ()
    missed_event: str = ""
    source: str = ""

    def applies_to(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def problems(self, role_codes: tuple[str, ...] | list[str] = ()) -> list[str]:
        out = []
        if self.kind not in KINDS:
            out.append(f"follow-up step {self.kind!r} is not one of {', '.join(KINDS)}")
        if (
            not isinstance(self.working_days, int)
            or isinstance(self.working_days, bool)
            or not 1 <= self.working_days <= 60
        ):
            out.append(f"follow-up step {self.kind}: working_days must be a whole number 1–60")
        for role in self.roles:
            if role_codes and role not in role_codes:
                out.append(f"follow-up step {self.kind}: the pack has no role {role!r}")
        if self.missed_event and self.kind != INTERVIEW:
            out.append(f"follow-up step {self.kind}: only an interview has a missed_event")
        return out


def steps_for(steps: tuple[FollowUpStep, ...], role: str) -> tuple[FollowUpStep, ...]:
    """The steps that apply to `role`, at most one of each kind (the first declared)."""
    out: dict[str, FollowUpStep] = {}
    for s in steps:
        if s.applies_to(role):
            out.setdefault(s.kind, s)
    return tuple(out[k] for k in KINDS if k in out)
