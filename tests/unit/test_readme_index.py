"""The README's table from policy wording to construct («Fra retningslinjen til regelen») points policy
staff to sections and keys: each section it names must be a heading of the README, and each key it
names must be one the rules' schemas know, so the table cannot point to something renamed or gone."""

from __future__ import annotations

import json
import re
from pathlib import Path

from support.readme import README

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    part = text[text.index("## Fra retningslinjen til regelen"):]
    part = part[:part.index("\n## ", 5)]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in part.splitlines()
            if line.startswith("| «") or line.startswith("| opplysninger")]


def test_every_section_the_table_names_is_a_heading_of_the_readme():
    headings = [line.lstrip("#").strip() for line in README.read_text(encoding="utf-8").splitlines()
                if line.startswith("## ") or line.startswith("### ")]
    rows = _rows()
    assert len(rows) >= 25
    for _, _, sections in rows:
        for name in re.findall(r"«([^»]+)»", sections):
            assert any(h.startswith(name) or h.startswith(f"«{name}") for h in headings), name


def test_every_key_the_table_names_is_in_the_schemas():
    known = set()

    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    known.update(value)
                keys(value)
        elif isinstance(node, list):
            for value in node:
                keys(value)

    for schema in (ROOT / "schemas").glob("*.schema.json"):
        keys(json.loads(schema.read_text(encoding="utf-8")))
    for _, construct, _ in _rows():
        for key in re.findall(r"`([a-z_]+)(?::[^`]*)?`", construct):
            assert key in known, key
