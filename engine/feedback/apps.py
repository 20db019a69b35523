from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "engine.feedback"
    label = "feedback"
    verbose_name = "360° feedback"

    def ready(self) -> None:
        from engine.deadlines import signals as deadlines

        from .deadlines import close_due_rounds, rater_steps

        deadlines.step_kinds.connect(rater_steps, dispatch_uid="feedback-step-kind")
        deadlines.after_sweep.connect(close_due_rounds, dispatch_uid="feedback-close-due")
