"""Packs with problems, registered through fake entry points by the discovery tests."""

from dataclasses import replace
from decimal import Decimal

from engine.plugins.hookspecs import hookimpl
from engine.scoring.pack import RulePack
from rulepacks.general import STAFF


class Invalid:
    @hookimpl
    def jixiao_rulepack(self):
        heavy = replace(STAFF.indicators[0], weight=Decimal(40))
        role = replace(
            STAFF, pack="invalid_pack", version="1.0.0", indicators=(heavy, *STAFF.indicators[1:])
        )
        return RulePack("invalid_pack", "1.0.0", "坏", "Invalid", (role,))


class NotAPack:
    @hookimpl
    def jixiao_rulepack(self):
        return "a string"


invalid = Invalid()
not_a_pack = NotAPack()
