from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "engine.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes over a population"

    def ready(self) -> None:
        """Appraisals tell us when a cycle's last result became final."""
        from engine.appraisals import signals

        from .receivers import cycle_became_final

        signals.cycle_final.connect(cycle_became_final, dispatch_uid="outcomes-cycle-final")
