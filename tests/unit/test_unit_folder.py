"""tests/unit runs without the store or the web: importing every test module here loads neither."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

UNIT = Path(__file__).resolve().parent
TESTS = UNIT.parent


def test_the_unit_tests_import_neither_sqlalchemy_nor_flask():
    modules = sorted(p.stem for p in UNIT.glob("test_*.py"))
    program = ("import sys\n"
               f"sys.path[:0] = [{str(UNIT)!r}, {str(TESTS)!r}, {str(TESTS.parent)!r}]\n"
               "import conftest\n"
               + "".join(f"import {m}\n" for m in modules)
               + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'flask', 'werkzeug')))\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=TESTS.parent)

    assert run.returncode == 0, run.stderr
    assert len(modules) >= 8
    assert run.stdout.strip() == "[]"
