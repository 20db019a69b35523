from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ..problems import json_not_found
from . import appeals, appraisals, catalogue, cycles, followup, org, tokens

app_name = "v1"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="v1:schema"), name="docs"),
    path("packs/", catalogue.Packs.as_view(), name="packs"),
    path("cycles/", cycles.Cycles.as_view(), name="cycles"),
    path("cycles/<int:pk>/cancel/", cycles.CycleCancel.as_view(), name="cycle_cancel"),
    path("cycles/<int:pk>/progress/", cycles.CycleProgress.as_view(), name="cycle_progress"),
    path("cycles/<int:pk>/metrics/", cycles.CycleMetrics.as_view(), name="cycle_metrics"),
    path("cycles/<int:pk>/targets/", cycles.CycleTargets.as_view(), name="cycle_targets"),
    path("inbox/", appraisals.Inbox.as_view(), name="inbox"),
    path("appraisals/", appraisals.Appraisals.as_view(), name="appraisals"),
    path("appraisals/<int:pk>/", appraisals.AppraisalDetail.as_view(), name="appraisal"),
    path(
        "appraisals/<int:pk>/steps/<int:step_id>/preview/",
        appraisals.StepPreview.as_view(),
        name="preview",
    ),
    path(
        "appraisals/<int:pk>/steps/<int:step_id>/reassign/",
        appraisals.StepReassign.as_view(),
        name="reassign",
    ),
    path(
        "appraisals/<int:pk>/steps/<int:step_id>/<str:action>/",
        appraisals.StepAction.as_view(),
        name="step_action",
    ),
    path("results/", catalogue.Results.as_view(), name="results"),
    path("audit/events/", catalogue.AuditEvents.as_view(), name="audit_events"),
    path("employees/", catalogue.Employees.as_view(), name="employees"),
    path("companies/", org.Companies.as_view(), name="companies"),
    path("departments/", org.Departments.as_view(), name="departments"),
    path("positions/", org.Positions.as_view(), name="positions"),
    path("people/", org.People.as_view(), name="people"),
    path("tokens/", tokens.Tokens.as_view(), name="tokens"),
    path("tokens/<int:pk>/", tokens.TokenDetail.as_view(), name="token"),
    path("tokens/<int:pk>/revoke/", tokens.TokenRevoke.as_view(), name="token_revoke"),
    path("me/channels/", org.MyChannels.as_view(), name="my_channels"),
    path("appeals/", appeals.Appeals.as_view(), name="appeals"),
    path("appeals/<int:pk>/steps/<str:code>/", appeals.AppealStep.as_view(), name="appeal_step"),
    path("appraisals/<int:pk>/appeal/", appeals.AppraisalAppeal.as_view(), name="appraisal_appeal"),
    path(
        "appraisals/<int:pk>/followup/",
        followup.AppraisalFollowUp.as_view(),
        name="appraisal_followup",
    ),
    re_path(r"^.*$", json_not_found),  # an unknown address under /api/v1/: JSON, not HTML
]
