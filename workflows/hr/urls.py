from django.urls import path
from django.views.generic import RedirectView

from . import (
    annual,
    appeals,
    board,
    bonuses,
    calendar,
    calibration,
    committees,
    dashboard,
    followup,
    forms_zip,
    imports,
    inputs,
    invite,
    payroll,
    people,
    person,
    role,
    roles,
    views,
    webhooks,
)

app_name = "hr"

urlpatterns = [
    # /hr/ itself is HR's desk: the cycle board (people type it, the brief names it)
    path("", RedirectView.as_view(pattern_name="hr:cycles", query_string=True), name="desk"),
    path("packs/", views.packs, name="packs"),
    path("packs/<str:pack>/<str:role>/", role.role_page, name="role"),
    path("positions/", views.mappings, name="positions"),
    path("cycles/", views.cycles, name="cycles"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("bonuses/", bonuses.bonuses, name="bonuses"),
    path("appeals/", appeals.appeals_list, name="appeals"),
    path("followup/", followup.followup_board, name="followup"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("people/", people.people, name="people"),
    path("people/add/", person.person_add, name="person_add"),
    path("people/invite/", invite.invite_all, name="invite_all"),
    path("people/<int:employee_id>/invite/", invite.invite_one, name="invite_one"),
    path("people/<int:employee_id>/edit/", person.person_edit, name="person_edit"),
    path("people/<int:employee_id>/leave/", people.leave, name="leave"),
    path("roles/", roles.roles, name="roles"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/<int:override_id>/remove/", calendar.calendar_remove, name="calendar_remove"),
    path("roles/<int:grant_id>/revoke/", roles.revoke, name="revoke_role"),
    path("import/", imports.import_page, name="import"),
    path(
        "import/template/<str:kind>.xlsx", imports.import_template_download, name="import_template"
    ),
    path("cycles/<int:cycle_id>/", board.board, name="board"),
    path("cycles/<int:cycle_id>/cancel/", views.cancel_cycle, name="cancel_cycle"),
    path("cycles/<int:cycle_id>/compute-year/", annual.compute_year, name="compute_year"),
    path("cycles/<int:cycle_id>/inputs/", inputs.inputs, name="inputs"),
    path("cycles/<int:cycle_id>/committees/", committees.committees_page, name="committees"),
    path("cycles/<int:cycle_id>/calibration/", calibration.calibration_page, name="calibration"),
    path("cycles/<int:cycle_id>/payroll/", payroll.payroll_page, name="payroll_page"),
    path("cycles/<int:cycle_id>/forms.zip", forms_zip.department_forms_zip, name="forms_zip"),
    path("cycles/<int:cycle_id>/payroll.<str:fmt>", payroll.payroll, name="payroll"),
]
