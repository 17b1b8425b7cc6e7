"""The YAML examples of rules/README.md, so tests can run them exactly as policy staff would copy them."""

from __future__ import annotations

import shutil
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"
README = RULES / "README.md"


def yaml_blocks(heading: str) -> list[str]:
    """The ```yaml blocks of the README section that starts at `heading`, up to the next heading."""
    text = README.read_text(encoding="utf-8")
    part = text[text.index(heading):]
    ends = [i for i in (part.find("\n## "), part.find("\n### ")) if i > 0]
    part = part[:min(ends)] if ends else part
    return [block.split("```")[0] for block in part.split("```yaml\n")[1:]]


def paste(folder: Path, file: str, block: str) -> None:
    """Add a README block at the end of one file of the rules in `folder`, as policy staff paste it."""
    path = folder / file
    path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n" + block, encoding="utf-8")


def shipped_rules_with(target: Path, file: str, block: str) -> Path:
    """A copy of the shipped rules/ in `target` with `block` pasted into `file`."""
    shutil.copytree(RULES, target)
    paste(target, file, block)
    return target
