from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "engine.committee"
    label = "committee"
    verbose_name = "Committee review"

    def ready(self) -> None:
        from engine.appraisals import signals
        from engine.deadlines import signals as deadlines

        from .deadlines import committee_steps
        from .departures import committees_held_by_leaver, move_leavers_committee_tasks

        deadlines.step_kinds.connect(committee_steps, dispatch_uid="committee-step-kind")
        signals.departure_held.connect(
            committees_held_by_leaver, dispatch_uid="committee-departure-held"
        )
        signals.departure_moves.connect(
            move_leavers_committee_tasks, dispatch_uid="committee-departure-moves"
        )
