from django.urls import path

from . import appeals, home, views

app_name = "people"

urlpatterns = [
    path("", home.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("appraisals/<int:pk>/", views.detail, name="detail"),
    path("appraisals/<int:pk>/steps/<int:step_id>/<str:action>/", views.act, name="act"),
    path("appraisals/<int:pk>/appeal/", appeals.file_appeal, name="file_appeal"),
    path("appeals/<int:appeal_id>/<str:code>/", appeals.appeal_step, name="appeal_step"),
]
