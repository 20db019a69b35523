from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "engine.org"
    label = "org"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarOverride, CompanyRole, Delegation
        from .names import register_collation
        from .request_memo import forget

        for model in (CompanyRole, Delegation, CalendarOverride):
            post_save.connect(forget, sender=model, dispatch_uid=f"forget-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"forget-d-{model.__name__}")
        # names sorted by pinyin in SQLite lists (engine/org/names.py)
        connection_created.connect(register_collation, dispatch_uid="pinyin-collation")
