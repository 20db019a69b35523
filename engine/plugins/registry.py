"""Discovering, validating and serving the installed rule packs.

Built-in and third-party packs go through this one path: entry points of the
``jixiao.rulepacks`` group. Each pack is loaded in isolation, so one that fails to
import or declares nonsense is listed with its problems and the others still work.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
from dataclasses import dataclass, field

import pluggy

from engine.scoring.annual import AnnualRule
from engine.scoring.committee import MAX_SCORE, CommitteeReview
from engine.scoring.feedback import FeedbackRule
from engine.scoring.followup import FollowUpStep
from engine.scoring.pack import RulePack
from engine.scoring.population import PopulationRule
from engine.scoring.template import RoleTemplate

from . import hookspecs


@dataclass
class PackEntry:
    name: str
    version: str | None
    distribution: str | None
    pack: RulePack | None
    problems: list[str] = field(default_factory=list)
    population_rules: tuple[PopulationRule, ...] = ()
    followup_steps: tuple[FollowUpStep, ...] = ()
    feedback_rules: tuple[FeedbackRule, ...] = ()
    annual_rules: tuple[AnnualRule, ...] = ()
    committee_reviews: tuple[CommitteeReview, ...] = ()

    @property
    def valid(self) -> bool:
        return self.pack is not None and not self.problems

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "distribution": self.distribution,
            "roles": self.pack.role_codes() if self.pack else [],
            "valid": self.valid,
            "problems": self.problems,
        }


class PackUnavailable(LookupError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _register(pm: pluggy.PluginManager, ep: md.EntryPoint, entry: PackEntry) -> None:
    """Load and register one plugin; a plugin that fails to import, or implements a
    hook that is not in the spec, is unregistered again and only it is marked."""
    try:
        pm.register(ep.load(), name=ep.name)
        pm.check_pending()
    except Exception as exc:  # a broken plugin must not break discovery of the others
        if pm.get_plugin(ep.name) is not None:
            pm.unregister(name=ep.name)
        entry.problems.append(f"failed to load: {type(exc).__name__}: {exc}")


def _own(pm: pluggy.PluginManager, hook: str, name: str):
    """The implementation of `hook` by plugin `name` (a pack answers for itself)."""
    impls = getattr(pm.hook, hook).get_hookimpls()
    return next((i.function for i in impls if i.plugin_name == name), None)


def _build(pm: pluggy.PluginManager, entry: PackEntry) -> None:
    try:
        provide = _own(pm, "jixiao_rulepack", entry.name)
        pack = provide() if provide else None
        if not isinstance(pack, RulePack):
            entry.problems.append("jixiao_rulepack() did not return a RulePack")
            return
        entry.pack, entry.version = pack, pack.version
        entry.problems.extend(pack.problems())
        check = _own(pm, "jixiao_check_pack", entry.name)
        entry.problems.extend((check(pack=pack) if check else None) or [])
        declare = _own(pm, "jixiao_population_rules", entry.name)
        rules = tuple(declare() or ()) if declare else ()
        for rule in rules:
            if not isinstance(rule, PopulationRule):
                entry.problems.append("jixiao_population_rules() must return PopulationRules")
                break
            entry.problems.extend(rule.problems())
        codes = [r.code for r in rules]
        entry.problems.extend(
            f"population rule {c} is declared twice"
            for c in sorted(set(codes))
            if codes.count(c) > 1
        )
        entry.population_rules = rules
        _followups(pm, entry, pack)
        _feedback(pm, entry, pack)
        _annual_rules(pm, entry, pack)
        _committees(pm, entry, pack)
        if pack.name != entry.name:
            entry.problems.append(f"entry point {entry.name!r} provides pack {pack.name!r}")
    except Exception as exc:  # a broken plugin must not break discovery of the others
        entry.problems.append(f"failed to load: {type(exc).__name__}: {exc}")


def _followups(pm: pluggy.PluginManager, entry: PackEntry, pack: RulePack) -> None:
    """The pack's steps after a result (`jixiao_followup_steps`), checked against its
    roles and events."""
    declare = _own(pm, "jixiao_followup_steps", entry.name)
    steps = tuple(declare() or ()) if declare else ()
    if not all(isinstance(s, FollowUpStep) for s in steps):
        entry.problems.append("jixiao_followup_steps() must return FollowUpSteps")
        return
    roles = tuple(pack.role_codes())
    events = {e.code for t in pack.roles for e in t.events}
    for s in steps:
        entry.problems.extend(s.problems(roles))
        if s.missed_event and s.missed_event not in events:
            entry.problems.append(
                f"follow-up step {s.kind}: no role of the pack declares event {s.missed_event!r}"
            )
    entry.followup_steps = steps


def _feedback(pm: pluggy.PluginManager, entry: PackEntry, pack: RulePack) -> None:
    """The pack's 360° feedback (`jixiao_feedback_rules`), checked against its roles."""
    declare = _own(pm, "jixiao_feedback_rules", entry.name)
    rules = tuple(declare() or ()) if declare else ()
    if not all(isinstance(r, FeedbackRule) for r in rules):
        entry.problems.append("jixiao_feedback_rules() must return FeedbackRules")
        return
    for r in rules:
        entry.problems.extend(r.problems(pack.role(r.role)))
    entry.feedback_rules = rules


def _annual_rules(pm: pluggy.PluginManager, entry: PackEntry, pack: RulePack) -> None:
    """The pack's annual composites (`jixiao_annual_rules`), checked against its roles
    and sections; one rule per role at most."""
    declare = _own(pm, "jixiao_annual_rules", entry.name)
    rules = tuple(declare() or ()) if declare else ()
    if not all(isinstance(r, AnnualRule) for r in rules):
        entry.problems.append("jixiao_annual_rules() must return AnnualRules")
        return
    roles = tuple(pack.role_codes())
    sections = {t.role: {s.code for s in t.sections} for t in pack.roles}
    for r in rules:
        entry.problems.extend(r.problems(roles, sections))
    for role in roles:
        n = sum(1 for r in rules if r.applies_to(role))
        if n > 1:
            entry.problems.append(f"role {role} has {n} annual rules: one at most")
    entry.annual_rules = rules


def committee_problems(review: CommitteeReview, pack: RulePack) -> list[str]:
    out = review.problems(tuple(pack.role_codes()))
    for role in review.roles:
        t = pack.role(role)
        ind = t.indicator(review.indicator) if t is not None else None
        if t is None:
            continue
        if ind is None:
            out.append(f"committee review: role {role} has no indicator {review.indicator!r}")
            continue
        if ind.sources != ("committee",) or ind.rule != "manual" or ind.weight != MAX_SCORE:
            out.append(
                f"committee review: {role}.{ind.code} must be a manual indicator of 100 "
                "points whose only source is committee"
            )
        section = next((s for s in t.sections if s.code == ind.section), None)
        if section is None or section.weight != review.weight:
            out.append(
                f"committee review: {role}.{ind.code}'s section weight must be {review.weight}"
            )
        if t.period not in review.kinds:
            out.append(f"committee review: role {role} is appraised per {t.period}")
    return out


def _committees(pm: pluggy.PluginManager, entry: PackEntry, pack: RulePack) -> None:
    """The pack's committee reviews (`jixiao_committee_reviews`), checked against its
    roles, their indicators and section weights."""
    declare = _own(pm, "jixiao_committee_reviews", entry.name)
    reviews = tuple(declare() or ()) if declare else ()
    if not all(isinstance(r, CommitteeReview) for r in reviews):
        entry.problems.append("jixiao_committee_reviews() must return CommitteeReviews")
        return
    for r in reviews:
        entry.problems.extend(committee_problems(r, pack))
    entry.committee_reviews = reviews


@functools.cache
def discover() -> tuple[PackEntry, ...]:
    """Every installed pack through one plugin manager, as pytest and datasette hold
    their built-in and third-party plugins alike; each pack is built in isolation."""
    pm = _manager()
    eps = md.entry_points(group=hookspecs.ENTRY_POINT_GROUP)
    seen: dict[str, PackEntry] = {}
    for ep in sorted(eps, key=lambda e: (e.name, e.value)):
        if ep.name in seen:  # two distributions claim one name: neither may be trusted
            seen[ep.name].problems.append(f"another distribution also provides pack {ep.name!r}")
            continue
        seen[ep.name] = PackEntry(ep.name, None, ep.dist.name if ep.dist else None, None)
        _register(pm, ep, seen[ep.name])
    for entry in seen.values():
        if pm.get_plugin(entry.name) is not None:
            _build(pm, entry)
    return tuple(seen.values())


def reset() -> None:
    """Forget what was discovered (tests that install or fake packs)."""
    discover.cache_clear()


def get_pack(name: str) -> RulePack:
    entry = next((e for e in discover() if e.name == name), None)
    if entry is None:
        known = ", ".join(e.name for e in discover())
        raise PackUnavailable("pack", f"no rule pack {name!r} is installed (installed: {known})")
    if not entry.valid:
        raise PackUnavailable("pack", f"rule pack {name!r} is invalid: {'; '.join(entry.problems)}")
    return entry.pack


def get_template(pack: str, role: str) -> RoleTemplate:
    p = get_pack(pack)
    t = p.role(role)
    if t is None:
        raise PackUnavailable(
            "role", f"pack {pack!r} has no role {role!r} (roles: {', '.join(p.role_codes())})"
        )
    return t


def population_rules(pack: str) -> tuple[PopulationRule, ...]:
    """The rules over a population that an installed, valid pack declares."""
    get_pack(pack)
    return next(e for e in discover() if e.name == pack).population_rules


def followup_steps(pack: str) -> tuple[FollowUpStep, ...]:
    """The steps after a result an installed, valid pack declares (none when the pack
    declares none, or is no longer installed: nothing follows then)."""
    entry = next((e for e in discover() if e.name == pack), None)
    return entry.followup_steps if entry is not None and entry.valid else ()


def feedback_rules(pack: str) -> tuple[FeedbackRule, ...]:
    """The 360° feedback an installed, valid pack asks for (none otherwise)."""
    entry = next((e for e in discover() if e.name == pack), None)
    return entry.feedback_rules if entry is not None and entry.valid else ()


def annual_rule(pack: str, role: str) -> AnnualRule | None:
    """The annual composite an installed, valid pack declares for `role`, or None (the
    role is appraised on its own sheet in a year's cycle)."""
    entry = next((e for e in discover() if e.name == pack), None)
    if entry is None or not entry.valid:
        return None
    return next((r for r in entry.annual_rules if r.applies_to(role)), None)


def committee_reviews(pack: str) -> tuple[CommitteeReview, ...]:
    """The committee reviews an installed, valid pack declares (none otherwise)."""
    entry = next((e for e in discover() if e.name == pack), None)
    return entry.committee_reviews if entry is not None and entry.valid else ()
