"""`boligtildeling scenarios run` and the pytest plugin, as policy staff and CI run the scenarios."""

from __future__ import annotations

import shutil
import subprocess
import sys

from click.testing import CliRunner

from service.cli import main
from support.scenario_files import SAK_1, SCENARIOS_DIR, scenario_on, write


def test_cli_exits_0_on_the_shipped_scenarios():
    result = CliRunner().invoke(main, ["scenarios", "run", str(SCENARIOS_DIR)])
    assert result.exit_code == 0, result.output
    assert "OK   " in result.output and " 0 failed" in result.output


def test_cli_exits_1_and_explains_a_failing_scenario(tmp_path):
    write(tmp_path, "feil.yaml", scenario_on(SAK_1, "poeng: {K-2210: 70}"))
    write(tmp_path, "ok.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}"))
    result = CliRunner().invoke(main, ["scenarios", "run", str(tmp_path)])
    assert result.exit_code == 1
    assert "FEIL" in result.output and "feil.yaml: Et scenario" in result.output
    assert "- K-2210: forventet 70 poeng, men fikk 65" in result.output
    assert "1 passed, 1 failed" in result.output


def test_cli_exits_1_with_file_and_line_on_an_invalid_scenario(tmp_path):
    write(tmp_path, "ugyldig.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}", extra="ukjent: 1\n"))
    result = CliRunner().invoke(main, ["scenarios", "run", str(tmp_path)])
    assert result.exit_code == 1
    assert "ugyldig.yaml:4: ukjent: ukjent felt 'ukjent'" in result.stderr


def test_pytest_plugin_reports_file_name_and_messages_without_traceback(tmp_path):
    shutil.copy(SCENARIOS_DIR / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    write(tmp_path, "feil.yaml", scenario_on(SAK_1, "poeng: {K-2210: 70}"))
    write(tmp_path, "ok.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed" in run.stdout
    assert "feil.yaml: Et scenario\n  - K-2210: forventet 70 poeng, men fikk 65" in run.stdout
    assert "Traceback" not in run.stdout and "def runtest" not in run.stdout
