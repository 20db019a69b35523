from django.urls import path

from . import calibration, payroll, views

app_name = "hr"

urlpatterns = [
    path("packs/", views.packs, name="packs"),
    path("positions/", views.mappings, name="positions"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<int:cycle_id>/calibration/", calibration.calibration_page, name="calibration"),
    path("cycles/<int:cycle_id>/payroll.<str:fmt>", payroll.payroll, name="payroll"),
]
