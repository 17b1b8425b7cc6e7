"""Small rules bundles written for a test: the six files with just what a test needs."""

from __future__ import annotations

import textwrap
from pathlib import Path

HEADER = 'versjon: "t-1"\ngjelder_fra: 2026-01-01\n'


def write_bundle(folder: Path, *, sections: str, criteria: str = "", checks: str = "", composition: str = "",
                 ranking: str = "likhetsmargin: 0\nved_likt_poeng: []\n", derived: str = "",
                 parameters: str = "") -> Path:
    """A bundle in `folder`; `sections` is the YAML under `seksjoner:` (indented by two), the rest lists."""
    folder.mkdir(parents=True, exist_ok=True)

    def block(key: str, body: str) -> str:
        return f"{key}:\n{textwrap.indent(textwrap.dedent(body).strip(), '  ')}\n" if body.strip() else f"{key}: []\n"

    files = {
        "regelverk.yaml": HEADER + "navn: Testregelverk\n",
        "felter.yaml": HEADER + f"seksjoner:\n{textwrap.indent(textwrap.dedent(sections).strip(), '  ')}\n"
                       + (f"beregnet:\n{textwrap.indent(textwrap.dedent(derived).strip(), '  ')}\n" if derived else "")
                       + (f"parametre:\n{textwrap.indent(textwrap.dedent(parameters).strip(), '  ')}\n"
                          if parameters else ""),
        "prioritering.yaml": HEADER + block("kriterier", criteria),
        "egnethet.yaml": HEADER + block("kontroller", checks),
        "sammensetning.yaml": HEADER + block("regler", composition),
        "rangering.yaml": HEADER + textwrap.dedent(ranking),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
