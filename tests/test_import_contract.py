"""The import contract (pyproject.toml, [tool.importlinter]) holds, and each of its rules
breaks, by name, when a forbidden import is added to a copy of the project."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# (a module of the project, the import added to it, the contract it breaks)
FORBIDDEN = [
    ("sources/admin/tracked.py", "import talks.models", "sources never imports talks"),
    (
        "talks/public/forms.py",
        "import sources.admin.filters",
        "the readers' site imports no admin module",
    ),
    (
        "talks/api/endpoints.py",
        "import talks.admin.claims",
        "the read API imports no admin module and nothing of the readers' site",
    ),
    (
        "talks/models/claims.py",
        "import talks.services.contradictions",
        "models and the rules they answer import no service, task or admin module",
    ),
    (
        "talks/migrations/0008_search_indexes.py",
        "import sources.admin.search",
        "migrations import no admin module",
    ),
]


def lint_imports(project):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True
    )


def test_the_project_keeps_every_contract():
    result = lint_imports(settings.BASE_DIR)

    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), FORBIDDEN, ids=[f[2] for f in FORBIDDEN])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    project = tmp_path / "project"
    for package in ("config", "sources", "talks"):
        shutil.copytree(
            settings.BASE_DIR / package,
            project / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(settings.BASE_DIR / "pyproject.toml", project)
    changed = project / module
    changed.write_text(f"{changed.read_text()}\n{line}\n", encoding="utf-8")

    result = lint_imports(project)

    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
    assert f"{len(FORBIDDEN) - 1} kept, 1 broken" in result.stdout
