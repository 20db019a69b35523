"""After the result through the API: read an appraisal's acknowledgements (with the
hash of each version signed), its feedback interview and its improvement plan — the
same readers as the appraisal's page. Signing stays on the page: it needs the person's
password typed again, which a token must not carry."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.followup.models import FollowUp
from engine.followup.selectors import followups_of, plan_of

from .common import ERRORS, _readable


class FollowUpStepOut(serializers.Serializer):
    kind = serializers.CharField()
    version = serializers.IntegerField()
    state = serializers.CharField()
    holder = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    overdue_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    version_hash = serializers.CharField(allow_blank=True)
    scheduled_for = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    gaps = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(allow_blank=True)
    response = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)


class PlanGoalOut(serializers.Serializer):
    goal = serializers.CharField()
    due_date = serializers.DateField()
    check_in = serializers.CharField(allow_blank=True)
    done = serializers.BooleanField()


class FollowUpOut(serializers.Serializer):
    appraisal = serializers.IntegerField()
    steps = FollowUpStepOut(many=True)
    plan_goals = PlanGoalOut(many=True, allow_null=True)


def _step(f: FollowUp) -> dict:
    return {
        "kind": f.kind,
        "version": f.version,
        "state": f.state,
        "holder": f.assignee.get_username() if f.assignee_id else f.holder_role or None,
        "due_at": f.due_at,
        "completed_at": f.completed_at,
        "late": f.late,
        "overdue_at": f.overdue_at,
        "decision": f.decision,
        "reason": f.reason,
        "version_hash": f.version_hash,
        "scheduled_for": f.scheduled_for,
        "place": f.place,
        "strengths": f.strengths,
        "gaps": f.gaps,
        "actions": f.actions,
        "response": f.response,
        "comment": f.comment,
    }


class AppraisalFollowUp(APIView):
    scope_needed = "read"

    @extend_schema(
        responses={200: FollowUpOut, **ERRORS},
        summary="After the result: acknowledgements, the feedback interview, the plan",
        operation_id="appraisal_followup",
    )
    def get(self, request, pk: int):
        a = _readable(request, pk)
        plan = plan_of(a.pk)
        body = {
            "appraisal": a.pk,
            "steps": [_step(f) for f in followups_of(a.pk)],
            "plan_goals": [
                {"goal": g.goal, "due_date": g.due_date, "check_in": g.check_in, "done": g.done}
                for g in plan.goals.all()
            ]
            if plan
            else None,
        }
        return Response(FollowUpOut(body).data)
