"""app/engine's own source imports only numpy, the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import app.engine

ENGINE = Path(app.engine.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_numpy_and_stdlib() -> None:
    files = sorted(ENGINE.glob("*.py"))
    assert len(files) >= 8
    for path in files:
        outside = imported_roots(path) - {"numpy", "__future__"} - set(sys.stdlib_module_names)
        assert not outside, f"{path.name} imports {outside}"


def test_the_checker_sees_third_party_imports(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import fastapi\nfrom sqlalchemy import orm\nfrom app import db\n")
    assert imported_roots(bad) - set(sys.stdlib_module_names) == {"fastapi", "sqlalchemy", "app"}
