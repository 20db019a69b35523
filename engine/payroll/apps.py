from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "engine.payroll"
    label = "payroll"
    verbose_name = "Payroll export"
