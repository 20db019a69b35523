from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "engine.appeals"
    label = "appeals"
    verbose_name = "Appeals"

    def ready(self) -> None:
        from engine.appraisals import signals
        from engine.deadlines import signals as deadlines

        from . import receivers
        from .deadlines import appeal_steps

        deadlines.step_kinds.connect(appeal_steps, dispatch_uid="appeals-step-kind")
        signals.finalise_held.connect(receivers.appealed, dispatch_uid="appeals-held-final")
        signals.departure_held.connect(
            receivers.appraisals_held_by_leaver, dispatch_uid="appeals-departure-held"
        )
        signals.departure_moves.connect(
            receivers.move_leavers_appeal_steps, dispatch_uid="appeals-departure-moves"
        )
