from django.urls import path

from . import views

app_name = "auditor"

urlpatterns = [
    path("", views.audit_page, name="trail"),
    path("verify/", views.audit_verify, name="verify"),
    path("export.<str:fmt>", views.audit_export, name="export"),
]
