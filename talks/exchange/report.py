"""What an import reports: how many objects of each model it created, changed and left
alone, and every problem it found, each with its place (file, object, model, key, field)."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

MAX_PROBLEMS = 200
OUTCOMES = ("created", "updated", "unchanged")
SHOWN = 80  # characters of a value that a problem shows


def cut(text, limit=SHOWN):
    """``text`` as a problem shows it: a long value cut, saying how long it was."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


@dataclass
class Problem:
    """One thing wrong with the input, with where it stands."""

    file: str
    message: str
    number: int | None = None  # the object's place in the file, counted from 1
    model: str = ""
    key: tuple = ()
    field: str = ""
    line: int | None = None  # where the object starts in the file

    def __str__(self):
        place = [self.file]
        if self.number is not None:
            place.append(f"object #{self.number}" + (f" at line {self.line}" if self.line else ""))
        if self.model:
            place.append(self.model)
        if self.key:
            place.append(cut(json.dumps(list(self.key), ensure_ascii=False, default=str)))
        if self.field:
            place.append(f"field '{self.field}'")
        return f"{', '.join(place)}: {self.message}"


@dataclass
class ImportResult:
    files: list = field(default_factory=list)  # {"name", "sha256", "objects"} per file read
    file_names: list = field(default_factory=list)  # every file given, as named, in order
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    problems: list = field(default_factory=list)
    more_problems: int = 0  # found beyond MAX_PROBLEMS, counted but not kept
    # Label -> (objects skipped, why): rows of models a fixture does not carry.
    skipped: dict = field(default_factory=dict)
    dry_run: bool = False
    run: object = None  # the ImportRun written
    seconds: float = 0.0

    @property
    def ok(self):
        return not self.problems

    @property
    def objects(self):
        return sum(file["objects"] for file in self.files)

    @property
    def changes(self):
        """Whether the input creates or changes anything: an import of what the database
        holds writes nothing, not even its run."""
        totals = self.totals()
        return bool(totals["created"] or totals["updated"])

    def skip(self, label, why):
        count, _ = self.skipped.get(label, (0, why))
        self.skipped[label] = (count + 1, why)

    def skipped_lines(self):
        """One line per model the input carries and the import leaves out, saying why."""
        for label, (count, why) in sorted(self.skipped.items()):
            yield f"{label}: {count} skipped, {why}"

    def add_problem(self, problem):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    def problem_with(self, entry, message, *, field=""):
        """Note a problem with an object of the input; the object is not written."""
        self.add_problem(
            Problem(
                self.file_names[entry.file],
                message,
                entry.number,
                entry.model._meta.label_lower,
                entry.key or (),
                field,
                entry.line,
            )
        )
        entry.failed = True

    def sort_problems(self):
        """File by file, and in each in the order of its objects."""
        order = {name: number for number, name in enumerate(self.file_names)}
        self.problems.sort(key=lambda p: (order.get(p.file, 0), p.number or 0))

    def summary_lines(self):
        for label, counter in sorted(self.counts.items()):
            yield (
                f"{label}: {counter['created']} created, {counter['updated']} updated, "
                f"{counter['unchanged']} unchanged"
            )

    def totals(self):
        return Counter(
            {outcome: sum(c[outcome] for c in self.counts.values()) for outcome in OUTCOMES}
        )


class ImportFailed(Exception):
    def __init__(self, result):
        self.result = result
        total = len(result.problems) + result.more_problems
        super().__init__(f"{total} problem(s) in the input")
