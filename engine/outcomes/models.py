"""One outcome line on one person's result: an amount or a flag a population rule set,
with the rule, the pack version and the inputs that fired it."""

from __future__ import annotations

from django.db import models


class PopulationOutcome(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(
        "appraisals.Cycle", on_delete=models.PROTECT, related_name="population_outcomes"
    )
    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.PROTECT, related_name="population_outcomes"
    )
    pack = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    rule = models.CharField(max_length=60)
    code = models.CharField(max_length=60)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    flag = models.CharField(max_length=60, blank=True)
    inputs = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "rule", "code"], name="population_outcome_once"
            )
        ]
        ordering = ["cycle", "appraisal", "rule", "code"]

    def __str__(self) -> str:
        value = self.amount if self.amount is not None else self.flag
        return f"{self.appraisal_id} {self.rule}/{self.code}: {value}"
