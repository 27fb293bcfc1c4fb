"""The layering of the packages (docs/architecture.md): ``formats.py`` (how dates and money
read) sits below ``web/``, ``reports/`` and ``metrics/``, and ``metrics/`` never imports the
web app (it is plain Python, without Django). An AST sweep of every import, at the top of a
module or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import oneworkforce

SRC = Path(oneworkforce.__file__).parent


def imported(path: Path) -> set[str]:
    """The modules a file imports (``from a.b import c`` counts as ``a.b`` and ``a.b.c``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def importers(package: str, prefix: str) -> list[str]:
    return sorted(
        str(path.relative_to(SRC))
        for path in (SRC / package).rglob("*.py")
        if any(n == prefix or n.startswith(f"{prefix}.") for n in imported(path))
    )


def test_metrics_never_import_the_web_app():
    assert importers("metrics", "oneworkforce.web") == []


def test_formats_imports_nothing_of_the_project():
    """Dates and money are formatted below every package that prints them."""
    assert not {n for n in imported(SRC / "formats.py") if n.startswith("oneworkforce")}
    # the packs and the charts print with it, not with a module of the web app
    for package in ("reports", "metrics"):
        assert importers(package, "oneworkforce.formats"), package
        assert importers(package, "oneworkforce.web.formats") == [], package


def test_the_sweep_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from oneworkforce.web.access import Role\n")
    assert "oneworkforce.web.access" in imported(module)
