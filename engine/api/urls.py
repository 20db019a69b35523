from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("inbox/", views.api_inbox, name="inbox"),
    path("appraisals/<int:pk>/", views.api_detail, name="detail"),
    path("appraisals/<int:pk>/steps/<int:step_id>/<str:action>/", views.api_act, name="act"),
]
