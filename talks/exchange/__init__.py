"""The fixture exchange: the desk in and out as Django fixture JSON with natural keys.

An import (``importer.import_fixtures``) runs in phases, each in a module of its own:
``read`` (parse the files, convert each field, find each natural key), ``resolve`` (find the
rows the keys name), ``judge`` (what becomes of each object, checked against its model's
rules, ``constraints``, and the rulebook) and ``write`` (the rows and their history rows, in
bulk). ``report`` holds what an import tells: counts and problems, each with its place.
``export`` writes the desk (or its published record) in the same format, a file whole or
not at all; ``uploads`` keeps an admin upload between its dry run and its confirmation;
``fixture_models`` lists the models a fixture carries. The management commands and the
admin call these, and nothing else.
"""

from .export import export_fixtures, export_to_file
from .fixture_models import FIXTURE_MODELS
from .importer import import_fixtures
from .read import FixtureFile
from .report import MAX_PROBLEMS, ImportFailed, ImportResult, Problem

__all__ = [
    "FIXTURE_MODELS",
    "MAX_PROBLEMS",
    "FixtureFile",
    "ImportFailed",
    "ImportResult",
    "Problem",
    "export_fixtures",
    "export_to_file",
    "import_fixtures",
]
