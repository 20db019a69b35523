"""A rule pack: a named, versioned set of role templates (docs/rulepacks.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .template import RoleTemplate
from .validate import CODE, template_problems

SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    title_zh: str
    title_en: str
    roles: tuple[RoleTemplate, ...]

    def role(self, code: str) -> RoleTemplate | None:
        return next((r for r in self.roles if r.role == code), None)

    def role_codes(self) -> list[str]:
        return [r.role for r in self.roles]

    def problems(self) -> list[str]:
        problems: list[str] = []
        if not CODE.match(self.name):
            problems.append(f"pack name {self.name!r} is malformed (lower case, digits, _)")
        if not SEMVER.match(self.version):
            problems.append(f"version {self.version!r} is not a semantic version (1.2.3)")
        if not self.title_zh or not self.title_en:
            problems.append("a pack needs titles in Chinese and English")
        if not self.roles:
            problems.append("a pack needs at least one role")
        codes = self.role_codes()
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"duplicate role {dup!r}")
        for t in self.roles:
            if (t.pack, t.version) != (self.name, self.version):
                problems.append(
                    f"{t.role}: template says {t.pack} {t.version}, pack is {self.name} {self.version}"
                )
            problems.extend(template_problems(t))
        return problems
