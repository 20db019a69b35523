from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "engine.calibration"
    label = "calibration"
    verbose_name = "Calibration"
