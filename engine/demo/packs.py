"""Putting a company on the built-in packs: activate each and map positions whose
code names a role (the demo's positions do). Used by the simulator and the tests."""

from __future__ import annotations

from engine import clock
from engine.appraisals import services
from engine.appraisals.models import Cycle, PositionMapping
from engine.audit.models import AuditEvent
from engine.org.models import Company, CompanyRole, Position
from engine.plugins import registry

from .history import demo_history, setup_moment

# Positions that are not a pack role are appraised as general staff.
FALLBACK = ("general", "staff")

# The demo company's pay coefficients for the roles whose packs give their grades none,
# set by HR in each role's template as a company would (policies.md is silent: seed 001
# gives support agents' S/A/B/C none, seed 004 gives R&D grades none). [resolved for the
# demo] the values follow the company policy's general grades (policies.md 4.1): the top
# grade 1.50 like `a`, the next 1.20 like `b`, a pass 1.00 like `c`, the lowest 0.50
# like `e`; R&D's `meets` spans the general b–c bands, so it pays a pass (1.00).
DEMO_COEFFICIENTS = {
    ("customer_service", "support_agent"): {"S": "1.50", "A": "1.20", "B": "1.00", "C": "0.50"},
    ("rnd", "researcher"): {"excellent": "1.50", "meets": "1.00", "improve": "0.50"},
    ("rnd", "technician"): {"excellent": "1.50", "meets": "1.00", "improve": "0.50"},
    ("rnd", "designer"): {"excellent": "1.50", "meets": "1.00", "improve": "0.50"},
}
COEFFICIENT_REASON = "绩效系数：按公司绩效工资办法的等级系数设定（演示数据）"


def company_on_builtin_packs(*, actor, company: Company) -> dict[str, str]:
    roles: dict[str, str] = {}
    for entry in registry.discover():
        if entry.valid and entry.distribution == "jixiao":
            services.pack_activate(actor=actor, company=company, pack=entry.name)
            for role in entry.pack.role_codes():
                roles[role] = entry.name
    mapped = set(
        PositionMapping.objects.filter(company=company).values_list("position_id", flat=True)
    )
    for pos in Position.objects.filter(company=company).exclude(pk__in=mapped):
        pack, role = (roles[pos.code], pos.code) if pos.code in roles else FALLBACK
        services.position_map(actor=actor, company=company, position=pos, pack=pack, role=role)
    return roles


def demo_pay_coefficients(*, actor, company: Company) -> None:
    """Every grade of every role the company appraises pays: HR sets the coefficients
    the packs leave open (DEMO_COEFFICIENTS) in each mapped role's template."""
    mapped = set(
        PositionMapping.objects.filter(company=company).values_list("pack", "role").distinct()
    )
    for (pack, role), coefficients in DEMO_COEFFICIENTS.items():
        if (pack, role) in mapped:
            services.pack_role_customise(
                actor=actor,
                company=company,
                pack=pack,
                role=role,
                grades={code: {"coefficient": c} for code, c in coefficients.items()},
                reason=COEFFICIENT_REASON,
            )


def demo_cycle(finished_months: int = 3) -> Cycle | None:
    """Both demo companies on the packs, with three finished months and the month being
    appraised now (once; see engine.demo.history)."""
    cycle = None
    for company in Company.objects.filter(code__in=["litong", "yijiali"]).order_by("code"):
        hr = CompanyRole.objects.filter(company=company, role="hr").select_related("user").first()
        actor = hr.user if hr else None
        if not PositionMapping.objects.filter(company=company).exists():
            # with the organisation's set-up, before the first month it appraises (or
            # now, for an organisation set up now): the chain stays in time order
            last = AuditEvent.objects.filter(chain=company.pk).order_by("-seq").first()
            moment = setup_moment(finished_months, company.time_zone)
            with clock.frozen(max(moment, last.at) if last else moment):
                company_on_builtin_packs(actor=actor, company=company)
                demo_pay_coefficients(actor=actor, company=company)
        # The small second company shows only the month being appraised.
        found = demo_history(company, finished_months if company.code == "litong" else 0)
        if company.code == "litong":
            cycle = found
    return cycle
