"""`python manage.py migrate`, as the owner when JIXIAO_DATABASE_OWNER_URL is set
(docs/operations.md, "Database roles"): Django's own migrate on that connection, then
the runtime role of DATABASE_URL is given its rights — the usual ones on every table,
only SELECT and INSERT on the audit trail (engine/audit/roles.py)."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from engine.audit.roles import OWNER, grant_runtime, runtime_role


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the owner when JIXIAO_DATABASE_OWNER_URL is set."

    def handle(self, *args, **options):
        owned = OWNER in settings.DATABASES and options["database"] == DEFAULT_DB_ALIAS
        if owned:
            options["database"] = OWNER
        super().handle(*args, **options)
        role = runtime_role()
        granting = owned and role and role != settings.DATABASES[OWNER].get("USER")
        if granting and not (options.get("plan") or options.get("check_unapplied")):
            grant_runtime(connections[OWNER], role)
            if options["verbosity"]:
                self.stdout.write(f"  {role}: SELECT, INSERT on the audit trail")
