from django.urls import path

from . import views

app_name = "auditor"

urlpatterns = [
    path("", views.audit_page, name="trail"),
    path("export.<str:fmt>", views.audit_export, name="export"),
]
