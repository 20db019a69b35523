from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "engine.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes over a population"

    def ready(self) -> None:
        """Appraisals tell us when a cycle's last result became final."""
        from engine.appraisals.services import register_on_cycle_final

        from .services import evaluate_final_cycle

        register_on_cycle_final(evaluate_final_cycle)
