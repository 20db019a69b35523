"""After the result (docs/policies.md, "After the result"): the steps a pack declares
to follow a published result (`jixiao_followup_steps`), each a step with a deadline
the one sweep reminds, marks overdue and escalates once.

- `acknowledge`: the appraised employee confirms having read one exact published
  version (its hash is stored with the signature) or declines with a reason, and signs
  by entering the password again. A correction publishes a new version, which opens a
  new acknowledgement; the open one of the older version is superseded. Signing never
  moves the appeal window.
- `interview`: the direct supervisor schedules (when, where) and records the feedback
  interview (strengths, gaps, agreed actions); the employee confirms the record or
  comments on it. One per appraisal, opened at the first publication.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engine.deadlines.models import HeldStep


class FollowUp(HeldStep):
    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("acknowledgement of the result")
        INTERVIEW = "interview", _("feedback interview")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        SUPERSEDED = "superseded", _("superseded by a newer version")

    class Decision(models.TextChoices):
        NONE = "", _("not yet")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        DECLINED = "declined", _("declined")

    class Response(models.TextChoices):
        NONE = "", _("not yet")
        CONFIRMED = "confirmed", _("confirmed")
        COMMENTED = "commented", _("commented")

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="followups"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    version = models.PositiveIntegerField()  # the result version it follows
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    # an interview not held by its due moment records this event on the holder's own
    # appraisal of the cycle (the pack's `missed_event`), once
    missed_event = models.CharField(max_length=60, blank=True)
    penalised_at = models.DateTimeField(null=True, blank=True)
    # the acknowledgement
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    version_hash = models.CharField(max_length=64, blank=True)
    # the interview
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # when it was in fact held (the record says; on time or late follows this moment)
    held_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    strengths = models.TextField(blank=True)
    gaps = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    response = models.CharField(max_length=12, choices=Response.choices, blank=True)
    comment = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "seq"], name="followup_seq_once"),
            models.UniqueConstraint(
                fields=["appraisal"],
                condition=models.Q(kind="interview"),
                name="followup_one_interview",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="followup_due"),
            models.Index(fields=["assignee", "state"], name="followup_inbox"),
        ]
        ordering = ["appraisal", "seq"]

    def __str__(self) -> str:
        return f"{self.appraisal_id}:{self.code}:v{self.version}"


class ImprovementPlan(models.Model):
    """绩效改进计划 (seed 001 步骤3): opened when the result's outcomes ask for one
    (`improvement_plan_required`); its owner (the direct supervisor, HR without one)
    sets goals with due dates and checks in on them; the next cycle's review shows it."""

    appraisal = models.OneToOneField(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="improvement_plan"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"plan of {self.appraisal_id}"


class PlanGoal(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="goals")
    goal = models.TextField()
    due_date = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    check_in = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    done = models.BooleanField(default=False)
    # a goal taken back by its owner stays on the record, struck through
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.goal[:30]}"


class PlanCheckIn(models.Model):
    """One dated check-in on a goal: the history the plan and the next review show
    (the goal's own `check_in` keeps the latest one)."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="check_ins")
    note = models.TextField()
    done = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["goal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.goal_id} at {self.at:%Y-%m-%d}"
