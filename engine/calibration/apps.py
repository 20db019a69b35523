from django.apps import AppConfig


class CalibrationConfig(AppConfig):
    name = "engine.calibration"
    label = "calibration"
    verbose_name = "Calibration"

    def ready(self) -> None:
        """Publication holds the final approval until a department is confirmed and
        fits late results under confirmed caps, through the appraisal signals."""
        from engine.appraisals import signals

        from .receivers import fit_late_grade, hold_final_approval

        signals.final_approval_check.connect(hold_final_approval, dispatch_uid="calibration-gate")
        signals.grade_fit.connect(fit_late_grade, dispatch_uid="calibration-fit")
