from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and provenance"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .records import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
