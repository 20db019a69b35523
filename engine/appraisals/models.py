"""Pack activation, position mapping, cycles, appraisals and their steps.

An appraisal pins the pack name, version and template hash it was opened with; the
activated template is stored here, so an old cycle still computes after an upgrade.
Every step carries its reminder and due moments, precomputed on the company calendar
at opening, so the deadline sweep is a handful of set-based queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from engine.deadlines.models import HeldStep


class PackActivation(models.Model):
    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, related_name="pack_activations"
    )
    pack = models.CharField(max_length=60)
    version = models.CharField(max_length=40)
    distribution = models.CharField(max_length=100, blank=True)
    # role → RoleTemplate.to_dict(); role → fingerprint
    templates = models.JSONField()
    hashes = models.JSONField()
    active = models.BooleanField(default=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "pack", "version"], name="activation_once"),
            models.UniqueConstraint(
                fields=["company", "pack"],
                condition=models.Q(active=True),
                name="one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack} {self.version} @ {self.company_id}"


class PositionMapping(models.Model):
    """Which pack and role a position is appraised with."""

    company = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, related_name="position_mappings"
    )
    position = models.OneToOneField(
        "org.Position", on_delete=models.PROTECT, related_name="mapping"
    )
    pack = models.CharField(max_length=60)
    role = models.CharField(max_length=60)

    def __str__(self) -> str:
        return f"{self.position_id} → {self.pack}.{self.role}"


class KpiTarget(models.Model):
    """An employee's own target (KPI contract): wins over the cycle's and the pack's."""

    employee = models.ForeignKey(
        "org.Employee", on_delete=models.CASCADE, related_name="kpi_targets"
    )
    indicator = models.CharField(max_length=60)
    target = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "indicator"], name="kpi_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}.{self.indicator} = {self.target}"


class Cycle(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        HALF = "half", _("half-year")
        YEAR = "year", _("year")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="cycles")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period = models.CharField(max_length=10)  # 2026-10, 2026-Q4, 2026-H1, 2026
    start = models.DateField()
    end = models.DateField()
    department_ids = models.JSONField(default=list)
    position_ids = models.JSONField(default=list)
    # pack → role → indicator → target
    targets = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # When set, the final approval of a department waits until HR confirms its calibration.
    calibration_required = models.BooleanField(default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()

    class Meta:
        constraints = [
            # a cancelled cycle frees its period for the cycle opened in its place
            models.UniqueConstraint(
                fields=["company", "period"],
                condition=~models.Q(status="cancelled"),
                name="cycle_period_once",
            )
        ]
        ordering = ["company", "-start"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.period}"


class Appraisal(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        PUBLISHED = "published", _("published")
        FINAL = "final", _("final")
        EXEMPT = "exempt", _("exempt")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="appraisals")
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="appraisals"
    )
    # snapshots taken at opening: later re-organisations do not move an open appraisal
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    activation = models.ForeignKey(PackActivation, on_delete=models.PROTECT, related_name="+")
    pack = models.CharField(max_length=60)
    version = models.CharField(max_length=40)
    role = models.CharField(max_length=60)
    template_hash = models.CharField(max_length=64)
    targets = models.JSONField(default=dict)
    context = models.JSONField(default=dict)  # base pay, revenue, … for outcomes
    # rater → indicator → value, as entered by each step
    values = models.JSONField(default=dict)
    deductions = models.JSONField(default=dict)
    events = models.JSONField(default=dict)
    falsified = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    current_step = models.CharField(max_length=12, blank=True)
    result = models.JSONField(null=True, blank=True)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    # HR's calibrated grade (the total never changes); used when the result is published.
    calibrated_grade = models.CharField(max_length=20, blank=True)
    result_version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    # end of the appeal window, fixed at the first publication (the sweep finalises by it)
    appeal_until = models.DateTimeField(null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "employee"], name="appraisal_once_per_cycle")
        ]
        indexes = [
            models.Index(fields=["company", "state"], name="appraisal_company_state"),
            models.Index(fields=["cycle", "department"], name="appraisal_cycle_dept"),
            models.Index(fields=["state", "appeal_until"], name="appraisal_appeal_until"),
        ]

    def __str__(self) -> str:
        return f"appraisal {self.pk} ({self.pack}.{self.role})"


class AppraisalStep(HeldStep):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        OPEN = "open", _("open")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped after the deadline")
        CANCELLED = "cancelled", _("cancelled")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="steps")
    escalated_from = models.CharField(max_length=12, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    opened_at = models.DateTimeField(null=True, blank=True)
    first_acted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    rounds = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appraisal", "seq"], name="step_seq_once")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="step_due"),
            models.Index(fields=["state", "remind_before_at"], name="step_remind_before"),
            models.Index(fields=["state", "remind_due_at"], name="step_remind_due"),
            models.Index(fields=["assignee", "state"], name="step_inbox"),
            models.Index(fields=["company", "holder_role", "state"], name="step_role_inbox"),
        ]
        ordering = ["appraisal", "seq"]

    def __str__(self) -> str:
        return f"{self.appraisal_id}:{self.code}"


class StepDraft(models.Model):
    """What a step's holder typed and saved without handing it in: the form's raw text,
    field by field, so a half-done review survives closing the page. Not a score and not
    evidence: it is dropped when the step is handed on, and only the holder sees it."""

    step = models.OneToOneField(AppraisalStep, on_delete=models.CASCADE, related_name="draft")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"draft of {self.step_id}"


class StepSubmission(models.Model):
    """Every version a step handed on or sent back; a return keeps both versions."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        RETURN = "return", _("returned")
        PUSH = "push", _("pushed on by HR")
        LEFT = "left", _("not handed in: the employee left")

    step = models.ForeignKey(AppraisalStep, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The step's holder `by` acted for, when `by` was their deputy.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["step", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of step {self.step_id}"


class LatePenalty(models.Model):
    """A late step's penalty, recorded once per step, on the appraisal the pack names."""

    source_step = models.OneToOneField(
        AppraisalStep, on_delete=models.CASCADE, related_name="penalty"
    )
    target = models.ForeignKey(
        Appraisal, null=True, on_delete=models.PROTECT, related_name="late_penalties"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    step_code = models.CharField(max_length=12)
    hits = models.CharField(max_length=10)
    rate = models.DecimalField(max_digits=5, decimal_places=4)
    # The due moment the step missed, and when it was handed in (or pushed, or returned
    # late): what the result explains. A return later gives the step a new due moment,
    # so the step's own no longer says what the penalty was for.
    due_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"late {self.step_code} −{self.rate} → {self.target_id}"


class ResultVersion(models.Model):
    """Each published result; a correction publishes a new version, the old stays."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    result = models.JSONField()
    total = models.DecimalField(max_digits=8, decimal_places=2)
    grade = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    # Why this version exists, as data the pages word in the reader's language:
    # {"kind": "approved" | "late_penalty" | "appeal_upheld" | "obstruction" | "event"
    #  | "bonus", plus "step", "event", "points" or "note" as the kind needs}.
    cause = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "number"], name="result_version_once")
        ]
        ordering = ["appraisal", "number"]

    def __str__(self) -> str:
        return f"appraisal {self.appraisal_id} v{self.number}"


class AppraisalUserObjectPermission(UserObjectPermissionBase):
    """django-guardian rows with a direct foreign key (fast at scale, per guardian's
    docs): access granted by hand on top of the relations, e.g. a deputy reviewer."""

    content_object = models.ForeignKey(Appraisal, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


def _evidence_path(instance, filename: str) -> str:
    return f"special_bonus/{instance.appraisal_id}/{filename}"


class SpecialBonus(models.Model):
    """特别加分事项 (seed 004 篇7/10/11): points proposed with a witness and evidence
    attached; HR approves each before it counts."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="bonuses")
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField()
    description = models.TextField()
    witness = models.CharField(max_length=100)
    evidence = models.FileField(upload_to=_evidence_path)
    evidence_name = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"+{self.points} on {self.appraisal_id} ({self.state})"
