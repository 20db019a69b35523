"""What the API reads and answers, as DRF serializers (the OpenAPI schema is drawn
from them). Decimals travel as strings, times with their zone."""

from __future__ import annotations

from rest_framework import serializers

from engine.appeals.models import AppealStep
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.org.models import Employee

from .shapes import (
    AUDIT_STATE,
    OUTCOMES,
    HashedTime,
    ImplausibleOut,
    MissingMetricOut,
    MissingTargetOut,
    RowChangeOut,
    ScoredResultOut,
    StepDataIn,
    typed_json,
)


class Problem(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    rule = serializers.CharField(allow_null=True)


class IndicatorOut(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    weight = serializers.CharField()
    rule = serializers.CharField()
    description_zh = serializers.CharField()
    description_en = serializers.CharField()
    # who gives the value: "system" is a metric loaded through PUT /cycles/{id}/metrics/,
    # the others are raters (self, supervisor, hr, …) in the order they count
    sources = serializers.ListField(child=serializers.CharField())


class RoleOut(serializers.Serializer):
    role = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    indicators = IndicatorOut(many=True)


class PackOut(serializers.Serializer):
    pack = serializers.CharField()
    version = serializers.CharField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    roles = RoleOut(many=True)


class CycleOut(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.CharField(source="company.code")
    period = serializers.CharField()
    kind = serializers.ChoiceField(choices=Cycle.Kind.choices)
    status = serializers.ChoiceField(choices=Cycle.Status.choices)
    start = serializers.DateField()
    end = serializers.DateField()


class CycleIn(serializers.Serializer):
    company = serializers.SlugField(max_length=40)
    kind = serializers.ChoiceField(choices=Cycle.Kind.choices)
    period = serializers.CharField(max_length=10)
    departments = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, max_length=500
    )
    calibrate = serializers.BooleanField(required=False, default=False)
    targets_later = serializers.BooleanField(required=False, default=False)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ByStateOut(serializers.Serializer):
    """A cycle's appraisals counted by state: every state, 0 when none."""

    in_progress = serializers.IntegerField()
    published = serializers.IntegerField()
    final = serializers.IntegerField()
    exempt = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class ProgressOut(serializers.Serializer):
    appraisals = serializers.IntegerField()
    by_state = ByStateOut()
    overdue_steps = serializers.IntegerField()
    missing_targets = serializers.IntegerField()
    missing_metrics = serializers.IntegerField()
    # stored targets and metrics their unit forbids (a rate target above 100%)
    implausible_values = serializers.IntegerField()
    # the same three, one row each: what to send, for whom
    metrics_to_load = MissingMetricOut(many=True)
    targets_to_set = MissingTargetOut(many=True)
    implausible = ImplausibleOut(many=True)


class StepOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=AppraisalStep.State.choices)
    due_date = serializers.DateField()
    late = serializers.BooleanField()
    yours = serializers.BooleanField()


class AppraisalOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.CharField()
    employee = serializers.CharField()
    employee_number = serializers.CharField()
    department = serializers.CharField()
    pack = serializers.CharField()
    version = serializers.CharField()
    role = serializers.CharField()
    state = serializers.ChoiceField(choices=Appraisal.State.choices)
    current_step = serializers.CharField()
    total = serializers.CharField(allow_null=True)
    grade = serializers.CharField(allow_null=True)


class VersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    total = serializers.CharField()
    grade = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    result = typed_json(ScoredResultOut)


class AppraisalDetailOut(AppraisalOut):
    steps = StepOut(many=True)
    result = typed_json(ScoredResultOut, allow_null=True)
    versions = VersionOut(many=True)


class InboxStepOut(serializers.Serializer):
    id = serializers.IntegerField()
    appraisal = serializers.IntegerField()
    employee = serializers.CharField()
    cycle = serializers.CharField()
    code = serializers.CharField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField()


class StepActionIn(serializers.Serializer):
    data = typed_json(StepDataIn, required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReassignIn(serializers.Serializer):
    employee_number = serializers.CharField(max_length=40)


class PreviewLineOut(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.CharField(allow_null=True)  # null: not scored yet
    max = serializers.CharField()


class PreviewOut(serializers.Serializer):
    complete = serializers.BooleanField()
    total = serializers.CharField(allow_null=True, required=False)
    grade = serializers.CharField(allow_null=True, required=False)
    lines = PreviewLineOut(many=True)


class MetricRow(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    indicator = serializers.CharField(max_length=60)
    value = serializers.CharField(max_length=40)


class MetricsIn(serializers.Serializer):
    rows = MetricRow(many=True, max_length=20000)


class TargetRow(serializers.Serializer):
    pack = serializers.CharField(max_length=60)
    role = serializers.CharField(max_length=60)
    indicator = serializers.CharField(max_length=60)
    target = serializers.CharField(max_length=40)


class TargetsIn(serializers.Serializer):
    rows = TargetRow(many=True, max_length=5000)


class RowErrorOut(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class ImportReportOut(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    sheet = serializers.CharField(allow_blank=True)
    ok = serializers.BooleanField()
    changed = serializers.BooleanField()
    errors = RowErrorOut(many=True)
    notes = RowErrorOut(many=True)  # rows taken with a remark
    changes = RowChangeOut(many=True)


class ResultOut(serializers.Serializer):
    appraisal = serializers.IntegerField()
    cursor = serializers.IntegerField()
    employee_number = serializers.CharField()
    employee = serializers.CharField()
    cycle = serializers.CharField()
    total = serializers.CharField()
    grade = serializers.CharField()
    version = serializers.IntegerField()
    outcomes = typed_json(OUTCOMES)
    final_at = serializers.DateTimeField(allow_null=True)


class AuditEventOut(serializers.Serializer):
    """One event of a company's chain: every field its hash covers, under the names the
    hash uses (engine/audit/canonical.py, PAYLOAD), and the two hashes. `hash` is
    SHA-256 of `prev_hash` followed by the canonical JSON of the other fields but
    `prev_hash` and `hash` (keys sorted, no spaces, UTF-8): docs/api.md shows a verifier."""

    seq = serializers.IntegerField()
    chain = serializers.IntegerField()
    company = serializers.IntegerField(allow_null=True)  # the company's id (null: installation)
    at = HashedTime()
    actor = serializers.IntegerField(allow_null=True)  # the user's id (null: the system)
    actor_label = serializers.CharField(allow_blank=True)  # who, as recorded then
    role = serializers.CharField(allow_blank=True)
    object_type = serializers.CharField()
    object_id = serializers.CharField(allow_blank=True)
    action = serializers.CharField()
    before = typed_json(AUDIT_STATE, allow_null=True)
    after = typed_json(AUDIT_STATE, allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class EmployeeOut(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.code")
    position = serializers.CharField(source="position.code")
    supervisor = serializers.CharField(source="supervisor.number", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Employee.Status.choices)


class CompanyOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    country = serializers.CharField()


class DepartmentOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    head = serializers.CharField(source="head.number", allow_null=True, default=None)


class PositionOut(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class PersonRow(serializers.Serializer):
    """One row of the people import (the Excel template's columns)."""

    department_code = serializers.CharField(max_length=40)
    department_name = serializers.CharField(max_length=200)
    parent_department_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    position_code = serializers.CharField(max_length=40)
    position_name = serializers.CharField(max_length=100)
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    hire_date = serializers.CharField(max_length=10)
    supervisor_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    heads_department = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default=""
    )
    trial_end_date = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    # no default: a blank default is no e-mail address and matches no user name pattern,
    # which makes the schema invalid; the import reads a missing one as blank
    username = serializers.RegexField(r"^[\w.@+-]{1,150}$", required=False, allow_blank=True)


class PeopleIn(serializers.Serializer):
    rows = PersonRow(many=True, max_length=5000)


class AppealStepOut(serializers.Serializer):
    seq = serializers.IntegerField()
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=AppealStep.State.choices)
    holder = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class AppealOut(serializers.Serializer):
    id = serializers.IntegerField()
    appraisal = serializers.IntegerField()
    employee_number = serializers.CharField()
    filed_at = serializers.DateTimeField()
    items = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    state = serializers.CharField()
    outcome = serializers.CharField(allow_blank=True)
    decision_reason = serializers.CharField(allow_blank=True)
    version_before = serializers.IntegerField()
    version_after = serializers.IntegerField(allow_null=True)
    steps = AppealStepOut(many=True)


class AppealIn(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.CharField(max_length=60), min_length=1, max_length=50
    )
    reason = serializers.CharField(max_length=5000)


class CorrectionIn(serializers.Serializer):
    field = serializers.CharField(max_length=80)
    value = serializers.JSONField()
    reason = serializers.CharField(max_length=2000)


class AppealStepIn(serializers.Serializer):
    """What each appeal step takes: mediation `resolved` + `note`; hr_intake `accepted`
    + `reason`; investigation `findings` (+ `obstruction_by_head`); decision `upheld` +
    `reason` (+ `corrections` when upheld)."""

    resolved = serializers.BooleanField(required=False, default=False)
    accepted = serializers.BooleanField(required=False, default=False)
    upheld = serializers.BooleanField(required=False, default=False)
    obstruction_by_head = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    findings = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    corrections = CorrectionIn(many=True, required=False, max_length=50)


class ChannelOut(serializers.Serializer):
    channel = serializers.CharField()
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    on = serializers.BooleanField()
    reachable = serializers.BooleanField()


class ChannelsIn(serializers.Serializer):
    on = serializers.ListField(child=serializers.CharField(max_length=40), max_length=50)
