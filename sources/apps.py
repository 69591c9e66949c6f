from django.apps import AppConfig, apps


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and provenance"

    def ready(self):
        from django.db.models.signals import pre_delete, pre_save
        from simple_history.signals import post_create_historical_record

        from . import archive, history_chain
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
        # Every history row, of every app's tracked models, is chained as it is written; the
        # chain's lock is taken before the row it records (sources/history_chain.py).
        post_create_historical_record.connect(
            history_chain.chain_saved_row, dispatch_uid="history-chain"
        )
        for history in history_chain.history_models().values():
            model = history.instance_type
            uid = f"history-chain-lock-{model._meta.label_lower}"
            pre_save.connect(history_chain.lock_before_write, sender=model, dispatch_uid=uid)
            pre_delete.connect(history_chain.lock_before_write, sender=model, dispatch_uid=uid)
