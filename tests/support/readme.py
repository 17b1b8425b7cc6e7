"""The YAML examples of rules/README.md, so tests can run them exactly as policy staff would copy them."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"


def yaml_blocks(heading: str) -> list[str]:
    """The ```yaml blocks of the README section that starts at `heading`, up to the next heading."""
    text = README.read_text(encoding="utf-8")
    part = text[text.index(heading):]
    ends = [i for i in (part.find("\n## "), part.find("\n### ")) if i > 0]
    part = part[:min(ends)] if ends else part
    return [block.split("```")[0] for block in part.split("```yaml\n")[1:]]
