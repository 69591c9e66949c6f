from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete, post_save


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = "Claims, people and meetings"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from sources.records import TimestampedModel

        from .models import Claim
        from .models.editions import advance_edition
        from .notifications import claim_recorded

        # Every record of the desk, in both apps, moves the public pages to a new edition.
        for model in apps.get_models():
            if issubclass(model, TimestampedModel):
                post_save.connect(advance_edition, sender=model, dispatch_uid=f"edition-{model}")
                post_delete.connect(
                    advance_edition, sender=model, dispatch_uid=f"edition-del-{model}"
                )
        # Partners are told of each claim published or corrected, whichever path wrote it.
        post_create_historical_record.connect(
            claim_recorded, sender=Claim.history.model, dispatch_uid="claim-notifications"
        )


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk's site as the default ``admin.site``."""

    default = False  # talks' own config stays TalksConfig

    default_site = "talks.admin_site.DeskAdminSite"
