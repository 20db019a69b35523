from django.urls import path

from . import (
    after,
    appeals,
    appraisal_form,
    bonus,
    committee,
    delegate,
    favicon,
    files,
    home,
    inbox,
    language,
    lists,
    notices,
    overview,
    views,
)

app_name = "people"

urlpatterns = [
    path("", home.home, name="home"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("language/", language.choose_language, name="language"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("mine/", lists.mine, name="mine"),
    path("team/", lists.team, name="team"),
    path("delegate/", delegate.delegate, name="delegate"),
    path("gm/", overview.overview, name="gm_overview"),
    path("gm/approve/", overview.approve, name="gm_approve"),
    path("notifications/", notices.notifications, name="notifications"),
    path("notifications/channels/", notices.channels, name="channels"),
    path("appraisals/<int:pk>/", views.detail, name="detail"),
    path("appraisals/<int:pk>/form.pdf", appraisal_form.form_pdf, name="form_pdf"),
    path(
        "appraisals/<int:pk>/form/v<int:number>.pdf",
        appraisal_form.form_pdf,
        name="form_pdf_version",
    ),
    path("appraisals/<int:pk>/steps/<int:step_id>/preview/", views.preview, name="preview"),
    path("appraisals/<int:pk>/steps/<int:step_id>/draft/", views.save_draft, name="draft"),
    path("appraisals/<int:pk>/steps/<int:step_id>/<str:action>/", views.act, name="act"),
    path("appraisals/<int:pk>/after/", after.after, name="after"),
    path("appraisals/<int:pk>/after/<str:what>/", after.act, name="after_act"),
    path("appraisals/<int:pk>/committee/", committee.page, name="committee"),
    path("appraisals/<int:pk>/committee/<str:what>/", committee.act, name="committee_act"),
    path("appraisals/<int:pk>/appeal/", appeals.file_appeal, name="file_appeal"),
    path("appraisals/<int:pk>/bonus/", bonus.propose, name="propose_bonus"),
    path("bonuses/<int:bonus_id>/evidence/", files.bonus_evidence, name="bonus_evidence"),
    path("appeals/<int:appeal_id>/files/<int:file_id>/", files.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/<str:code>/", appeals.appeal_step, name="appeal_step"),
]
