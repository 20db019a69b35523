"""The shapes the API passes through as JSON but states in its schema, so a generated
client gets types for them: outcomes, a scored result, a step's entries, the progress
rows, an import's changes, an audit event's time as hashed and its before/after."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from engine.audit.canonical import normalise


def typed_json(schema, **kwargs) -> serializers.JSONField:
    """A JSON value passed through as it is (read and written unchanged: the domain checks
    it, naming the field and the rule) whose shape the schema states with `schema`, a
    serializer (a named component) or an OpenAPI dict: a generated client gets a type."""
    name = getattr(schema, "__name__", "Inline")
    field = extend_schema_field(schema)(type(f"{name}Json", (serializers.JSONField,), {}))
    return field(**kwargs)


# One outcome of a rule pack: a decimal as a string ("1.00", a rate exactly: "0.008"),
# a whole number (a salary-grade change), a flag, a code ("confirm"), or null.
OUTCOME_VALUE = {
    "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}],
    "nullable": True,
}
OUTCOMES = {
    "type": "object",
    "additionalProperties": OUTCOME_VALUE,
    "description": "The pack's outcomes by code: pay_coefficient, performance_pay, "
    "commission … (each pack's own; see the pack's docs).",
}
# An entry a step types: a number, a text (a rating level: "good", "优"), or for a
# pack's custom indicator an object of whole numbers ({"quit": 1, "dismissed": 0}).
ENTRY_VALUE = {
    "anyOf": [
        {"type": "number"},
        {"type": "string"},
        {"type": "object", "additionalProperties": {"type": "integer"}},
    ]
}
# An audit record's before or after: an object whose keys the action decides, or null.
AUDIT_STATE = {"type": "object", "additionalProperties": True, "nullable": True}


class MissingMetricOut(serializers.Serializer):
    """A system metric still to load: one (person, indicator) pair, as a row of
    PUT /cycles/{id}/metrics/ names it."""

    appraisal = serializers.IntegerField()
    number = serializers.CharField()
    employee = serializers.CharField()
    indicator = serializers.CharField()


class MissingTargetOut(serializers.Serializer):
    """A target the cycle still lacks, as a row of PUT /cycles/{id}/targets/ names it,
    and how many appraisals wait for it."""

    pack = serializers.CharField()
    role = serializers.CharField()
    indicator = serializers.CharField()
    appraisals = serializers.IntegerField()


class ImplausibleOut(serializers.Serializer):
    """A stored target or metric its unit forbids (a rate target above 100%)."""

    appraisal = serializers.IntegerField()
    number = serializers.CharField()
    employee = serializers.CharField()
    indicator = serializers.CharField()
    kind = serializers.ChoiceField(choices=[("target", "target"), ("metric", "metric")])
    value = serializers.CharField()


class ScoredIndicatorOut(serializers.Serializer):
    code = serializers.CharField()
    section = serializers.CharField(allow_null=True)
    score = serializers.CharField()
    max = serializers.CharField()
    rule = serializers.CharField(required=False)
    exact = serializers.CharField(required=False)  # the score before rounding
    detail = typed_json({"type": "object", "additionalProperties": True}, required=False)


class ScoredSectionOut(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.CharField()
    weight = serializers.CharField()
    raw = serializers.CharField(required=False)
    counts = serializers.BooleanField(required=False)


class ScoredAdjustmentOut(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()  # points | factor | clamp
    value = serializers.CharField()
    running = serializers.CharField(required=False)  # the total after this line


class ScoredPeriodOut(serializers.Serializer):
    """One period of an annual composite: its result, its weight in the year and what
    it brought, worded in both languages."""

    period = serializers.CharField()
    status = serializers.CharField()  # counted | missing_not_counted | missing_counted_as
    total = serializers.CharField(allow_null=True)
    grade = serializers.CharField(allow_blank=True)
    weight = serializers.CharField()  # as the pack declares it (1: equal weights)
    share = serializers.CharField()  # the period's share of the year (0.0833)
    contribution = serializers.CharField()
    sections = serializers.DictField(child=serializers.CharField(), required=False)
    ref = serializers.DictField(required=False)  # {"appraisal": id, "version": n}
    text_zh = serializers.CharField(required=False)
    text_en = serializers.CharField(required=False)


class ScoredResultOut(serializers.Serializer):
    """How a total came about: each indicator's score, the sections, the adjustments,
    the grade and the outcomes (decimals as strings)."""

    pack = serializers.CharField()
    version = serializers.CharField()
    role = serializers.CharField()
    indicators = ScoredIndicatorOut(many=True)
    sections = ScoredSectionOut(many=True)
    subtotal = serializers.CharField()
    adjustments = ScoredAdjustmentOut(many=True)
    total = serializers.CharField()
    grade = serializers.CharField()
    outcomes = typed_json(OUTCOMES)
    calibrated_from = serializers.CharField(required=False)  # the grade before calibration
    # An annual composite: the rule applied and one line per period of the year.
    annual = serializers.DictField(required=False)
    periods = ScoredPeriodOut(many=True, required=False)


class DeductionIn(serializers.Serializer):
    points = typed_json({"anyOf": [{"type": "number"}, {"type": "string"}]})
    reason = serializers.CharField()


class StepDataIn(serializers.Serializer):
    """What a step enters: its raters' values by indicator code, deductions with their
    written reasons, event counts, and (reviewers) falsification. The pack's catalogue
    (GET /packs/) names each indicator and who enters it."""

    values = serializers.DictField(child=typed_json(ENTRY_VALUE), required=False)
    deductions = serializers.DictField(child=DeductionIn(many=True), required=False)
    events = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    falsified = serializers.BooleanField(required=False)


class RowChangeOut(serializers.Serializer):
    """One value a row changes (or would: a bad report changes nothing), as stored."""

    row = serializers.IntegerField()
    what = serializers.CharField()  # who and which indicator, in words
    before = typed_json({**ENTRY_VALUE, "nullable": True}, allow_null=True)
    after = typed_json({**ENTRY_VALUE, "nullable": True}, allow_null=True)


class HashedTime(serializers.DateTimeField):
    """A moment as the audit chain hashes it: ISO 8601 in UTC (`…+00:00`)."""

    def to_representation(self, value):
        return normalise(value)
