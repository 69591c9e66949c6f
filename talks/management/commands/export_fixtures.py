from types import SimpleNamespace

from django.core.management.base import BaseCommand

from talks.exchange import export_fixtures, export_to_file


class Command(BaseCommand):
    help = (
        "Write the desk as fixture JSON with natural keys, sorted and stable: what "
        "import_fixtures reads. Standard output unless --output is given, where the file is "
        "replaced only once the export is whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", help="Write here, not to standard output.")
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Only what the public pages show (talks/visibility.py): published claims and "
            "the sources, people and meetings they reach.",
        )

    def handle(self, *args, output, published_only, **options):
        if output:
            counts = export_to_file(output, published_only=published_only)
        else:  # as it comes: OutputWrapper would end each piece with a newline
            stream = SimpleNamespace(write=lambda text: self.stdout.write(text, ending=""))
            counts = export_fixtures(stream, published_only=published_only)
        # The summary never goes where the JSON goes.
        report = self.stdout if output else self.stderr
        for label, count in counts.items():
            report.write(f"{label}: {count}")
        report.write(f"Exported {sum(counts.values())} objects to {output or 'standard output'}")
