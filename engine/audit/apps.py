from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "engine.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from .chain_sql import register_sqlite
        from .triggers import ensure_triggers_after_migrate

        # The set-based appends hash in SQL: SQLite gets the functions PostgreSQL has.
        connection_created.connect(register_sqlite, dispatch_uid="audit-sql-functions")

        # Re-asserting the append-only triggers after every migrate (and every test
        # flush, which emits post_migrate) means no path leaves the trail writable.
        post_migrate.connect(ensure_triggers_after_migrate, dispatch_uid="audit-triggers")
