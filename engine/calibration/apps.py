from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "engine.calibration"
    label = "calibration"
    verbose_name = "Calibration"

    def ready(self) -> None:
        """Publication holds the final approval until a department is confirmed and
        fits late results under confirmed caps, through these two extension points."""
        from engine.appraisals.services import register_final_approval_gate, register_grade_fitter

        from .services import final_approval_gate, fit_confirmed_caps

        register_final_approval_gate(final_approval_gate)
        register_grade_fitter(fit_confirmed_caps)
