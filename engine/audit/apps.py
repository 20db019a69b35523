from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "engine.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from .triggers import ensure_triggers_after_migrate

        # Re-asserting the append-only triggers after every migrate (and every test
        # flush, which emits post_migrate) means no path leaves the trail writable.
        post_migrate.connect(ensure_triggers_after_migrate, dispatch_uid="audit-triggers")
