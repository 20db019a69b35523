from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "engine.org"
    label = "org"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CompanyRole, Delegation
        from .request_memo import forget

        for model in (CompanyRole, Delegation):
            post_save.connect(forget, sender=model, dispatch_uid=f"forget-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"forget-d-{model.__name__}")
