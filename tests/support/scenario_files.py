"""Scenario files written for a test: the runner's, the CLI's and the pytest plugin's tests share them."""

from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS_DIR = ROOT / "scenarios"
SAK_1 = ROOT / "examples" / "sak-1-lade.yaml"
SAK_2 = ROOT / "examples" / "sak-2-sammensetning.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def scenario_on(case: Path, forventet: str, extra: str = "") -> str:
    return (f"navn: Et scenario\nvurderingsdato: 2026-11-28\nsak_fil: {case}\n{extra}"
            f"forventet:\n{textwrap.indent(textwrap.dedent(forventet).strip(), '  ')}\n")
