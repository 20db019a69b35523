"""HR's confirmation that a department's grade distribution was calibrated."""

from django.conf import settings
from django.db import models


class Calibration(models.Model):
    cycle = models.ForeignKey(
        "appraisals.Cycle", on_delete=models.PROTECT, related_name="calibrations"
    )
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "department"], name="calibration_once")
        ]

    def __str__(self) -> str:
        return f"calibration {self.cycle_id}/{self.department_id}"
