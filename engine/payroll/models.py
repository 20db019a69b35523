"""Each payroll export, so a later one can list the corrections made since."""

from django.conf import settings
from django.db import models


class PayrollExport(models.Model):
    cycle = models.ForeignKey("appraisals.Cycle", on_delete=models.PROTECT, related_name="exports")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    fmt = models.CharField(max_length=4)
    rows = models.PositiveIntegerField()
    corrections = models.PositiveIntegerField()
    audit_head = models.CharField(max_length=64)  # the company chain's head hash at export time

    class Meta:
        ordering = ["cycle", "at"]

    def __str__(self) -> str:
        return f"export {self.pk} of cycle {self.cycle_id}"
