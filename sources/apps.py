from django.apps import AppConfig, apps


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and provenance"

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from . import archive
        from .models import CitationBase, Source

        # A source saved with a URL is captured, and a citation's quote checked, whichever
        # path wrote it: simple-history records each version (the import calls the archive
        # itself for its bulk writes).
        post_create_historical_record.connect(
            archive.source_recorded, sender=Source.history.model, dispatch_uid="archive-source"
        )
        for model in apps.get_models():
            if issubclass(model, CitationBase):
                post_create_historical_record.connect(
                    archive.citation_recorded,
                    sender=model.history.model,
                    dispatch_uid=f"archive-{model._meta.label_lower}",
                )
