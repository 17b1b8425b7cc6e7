"""Where things are by default: the rules folder and the instance folder."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_rules_dir() -> Path:
    """`BOLIGTILDELING_RULES` if set, else the `rules/` folder of the checkout."""
    return Path(os.environ.get("BOLIGTILDELING_RULES", PROJECT_ROOT / "rules"))
