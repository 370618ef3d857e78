"""The import picture: the domain never reaches up to the API (ARCHITECTURE.md, "Models know
nothing of the API").

Read with ``ast`` rather than by importing, so that an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dailypapers"

# The pages may use the API's Markdown (one body for ``/papers/<id>.md`` and the page asked
# for Markdown); nothing else in papers/ may import from the API.
ALLOWED = {"views.py": {"dailypapers.api.markdown"}}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def api_imports(path: Path) -> set[str]:
    return {
        name
        for name in imported_modules(path)
        if name == "dailypapers.api" or name.startswith("dailypapers.api.")
    }


def test_papers_models_import_nothing_from_the_api():
    assert api_imports(PACKAGE / "papers" / "models.py") == set()


def test_no_papers_module_reaches_up_to_the_api():
    offenders = {}
    for path in sorted((PACKAGE / "papers").rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        found = api_imports(path)
        allowed = ALLOWED.get(path.name, set()) if path.parent.name == "papers" else set()
        extra = {name for name in found if not any(name.startswith(ok) for ok in allowed)}
        if extra:
            offenders[str(path.relative_to(PACKAGE))] = sorted(extra)
    assert offenders == {}


def test_the_paper_page_does_not_import_the_api_views():
    assert not {
        name
        for name in api_imports(PACKAGE / "papers" / "views.py")
        if name.startswith("dailypapers.api.views")
    }


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    # The test above must be able to fail: a lazy import of the API is caught.
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from dailypapers.api.shapes import utc_z\n")
    assert api_imports(module) == {"dailypapers.api.shapes", "dailypapers.api.shapes.utc_z"}


def test_modules_stay_under_five_hundred_lines():
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) >= 500
    }
    assert long == {}
