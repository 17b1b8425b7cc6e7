"""rules/README.md's section on the case file says what `rank` answers: the lines it shows for the minimal case
are the ones the shipped rules give, with file, line and path."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from service.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_minimal_case_is_refused_with_the_lines_the_readme_shows(tmp_path):
    text = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Saken: det reglene vurderer", 1)[1].split("\n## ", 1)[0]
    shown = [line.strip() for line in section.split("Saken er ugyldig:", 1)[1].splitlines()[1:]
             if line.strip().startswith("sak.yaml:")]
    assert len(shown) == 4
    case = tmp_path / "sak.yaml"
    case.write_text("ledig_bolig:\n  id: LB-1\nkandidater:\n  - id: K-1\n    sjekkliste: {}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rank", "--rules", str(ROOT / "rules"), "--as-of", "2026-12-01", str(case)])
    assert result.exit_code != 0
    output = re.sub(r"\S*sak\.yaml:", "sak.yaml:", result.output)
    assert "Saken er ugyldig:" in output
    for line in shown:
        assert line in output, (line, output)
