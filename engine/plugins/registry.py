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

from engine.scoring.pack import RulePack
from engine.scoring.template import RoleTemplate

from . import hookspecs


@dataclass
class PackEntry:
    name: str
    version: str | None
    distribution: str | None
    pack: RulePack | None
    problems: list[str] = field(default_factory=list)

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


def _load(ep: md.EntryPoint) -> PackEntry:
    dist = ep.dist.name if ep.dist else None
    entry = PackEntry(ep.name, None, dist, None)
    try:
        module = ep.load()
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        pm.register(module, name=ep.name)
        pack = pm.hook.jixiao_rulepack()
        if not isinstance(pack, RulePack):
            entry.problems.append("jixiao_rulepack() did not return a RulePack")
            return entry
        entry.pack, entry.version = pack, pack.version
        entry.problems.extend(pack.problems())
        for extra in pm.hook.jixiao_check_pack(pack=pack):
            entry.problems.extend(extra or [])
        if pack.name != ep.name:
            entry.problems.append(f"entry point {ep.name!r} provides pack {pack.name!r}")
    except Exception as exc:  # a broken plugin must not break discovery of the others
        entry.problems.append(f"failed to load: {type(exc).__name__}: {exc}")
    return entry


@functools.cache
def discover() -> tuple[PackEntry, ...]:
    eps = md.entry_points(group=hookspecs.ENTRY_POINT_GROUP)
    seen: dict[str, PackEntry] = {}
    for ep in sorted(eps, key=lambda e: (e.name, e.value)):
        if ep.name in seen:  # two distributions claim one name: neither may be trusted
            seen[ep.name].problems.append(f"another distribution also provides pack {ep.name!r}")
            continue
        seen[ep.name] = _load(ep)
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
