from django.urls import path

from . import appeal_views, hr, trail, views

app_name = "appraisal"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("appraisals/<int:pk>/", views.detail, name="detail"),
    path("appraisals/<int:pk>/steps/<int:step_id>/<str:action>/", views.act, name="act"),
    path("hr/packs/", hr.packs, name="hr_packs"),
    path("hr/positions/", hr.mappings, name="hr_mappings"),
    path("hr/cycles/", hr.cycles, name="hr_cycles"),
    path("appraisals/<int:pk>/appeal/", appeal_views.file_appeal, name="file_appeal"),
    path("appeals/<int:appeal_id>/<str:code>/", appeal_views.appeal_step, name="appeal_step"),
    path(
        "hr/cycles/<int:cycle_id>/calibration/", appeal_views.calibration_page, name="calibration"
    ),
    path("audit/", trail.audit_page, name="audit"),
    path("audit/export.<str:fmt>", trail.audit_export, name="audit_export"),
    path("hr/cycles/<int:cycle_id>/payroll.<str:fmt>", trail.payroll, name="payroll"),
    path("api/inbox/", views.api_inbox, name="api_inbox"),
    path("api/appraisals/<int:pk>/", views.api_detail, name="api_detail"),
    path(
        "api/appraisals/<int:pk>/steps/<int:step_id>/<str:action>/", views.api_act, name="api_act"
    ),
]
