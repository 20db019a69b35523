from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "engine.archive"
    label = "archive"
    verbose_name = "Appraisal forms (PDF)"

    def ready(self) -> None:
        from engine.appraisals import signals
        from engine.followup import signals as followup

        from . import receivers

        signals.published.connect(receivers.keep_after_commit, dispatch_uid="archive-published")
        followup.signed.connect(receivers.keep_after_commit, dispatch_uid="archive-signed")
