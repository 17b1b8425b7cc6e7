"""The folder layout is the architecture: which package may import which, read from the source.

Parsed with `ast`, not imported, so these hold without a database or a web app.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "service"


def imports_of(path: Path) -> set[str]:
    """The modules a file imports (absolute names; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            out |= {f"{module}.{alias.name}" for alias in node.names}
    return out


def unit_of(module: str) -> str | None:
    """The unit of the layout a module belongs to: `service.<package>` (or the loose module), or `engine`."""
    parts = module.split(".")
    if parts[0] == "engine":
        return "engine"
    if parts[0] == "service" and len(parts) > 1:
        return "service." + parts[1]
    return None


def _exists(unit: str) -> bool:
    where = ROOT / Path(*unit.split("."))
    return where.is_dir() or where.with_suffix(".py").is_file()


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in list(SERVICE.rglob("*.py")) + list((ROOT / "engine").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        me = unit_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in imports_of(path):
            other = unit_of(module)
            if other and other != me and _exists(other):
                edges[me].add(other)
    return edges


def test_service_has_few_loose_modules():
    loose = sorted(p.name for p in SERVICE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(loose) <= 6, loose


def test_no_package_imports_one_that_imports_it_back():
    edges = graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges.get(start, ()))

    cycles = sorted((a, b) for a in edges for b in edges[a] if reaches(b, a, {b}))
    assert cycles == []


def test_the_store_imports_the_domain_never_the_casework_or_the_web():
    assert graph()["service.store"] <= {"engine", "service.domain", "service.config"}


def test_the_domain_needs_only_the_standard_library_and_the_engines_problem():
    stdlib = set(sys.stdlib_module_names)
    for path in (SERVICE / "domain").glob("*.py"):
        for module in imports_of(path):
            top = module.split(".")[0]
            assert top in stdlib or top == "__future__" or module.startswith(("service.domain", "engine.errors")), \
                (path.name, module)


def test_the_engine_knows_nothing_of_the_service_the_web_or_the_database():
    for path in (ROOT / "engine").rglob("*.py"):
        tops = {m.split(".")[0] for m in imports_of(path)}
        assert not tops & {"service", "flask", "werkzeug", "sqlalchemy", "alembic"}, path.name


def test_the_engine_stands_in_layers_language_then_evaluation_then_policy_tools():
    allowed = {"language": {"language"}, "evaluation": {"language", "evaluation"},
               "policy": {"language", "evaluation", "policy"}}
    for layer, may in allowed.items():
        for path in (ROOT / "engine" / layer).glob("*.py"):
            used = {m.split(".")[1] for m in imports_of(path)
                    if m.startswith("engine.") and m.split(".")[1] in allowed}
            assert used <= may, (path.relative_to(ROOT), used - may)
