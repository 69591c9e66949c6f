from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete, post_init, post_save, pre_save


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = "Claims, people and meetings"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from sources.records import TimestampedModel

        from . import page_tags
        from .models import Claim
        from .notifications import claim_recorded

        # Every record of the desk, in both apps, tags the public pages that load it and
        # stamps the pages its writes change (talks/page_tags.py).
        for model in apps.get_models():
            if issubclass(model, TimestampedModel):
                uid = f"page-tags-{model._meta.label_lower}"
                post_init.connect(page_tags.loaded, sender=model, dispatch_uid=uid)
                pre_save.connect(page_tags.before_save, sender=model, dispatch_uid=uid)
                post_save.connect(page_tags.saved, sender=model, dispatch_uid=uid)
                post_delete.connect(page_tags.deleted, sender=model, dispatch_uid=uid)
        # Partners are told of each claim published or corrected, whichever path wrote it.
        post_create_historical_record.connect(
            claim_recorded, sender=Claim.history.model, dispatch_uid="claim-notifications"
        )


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk's site as the default ``admin.site``."""

    default = False  # talks' own config stays TalksConfig

    default_site = "talks.admin_site.DeskAdminSite"
