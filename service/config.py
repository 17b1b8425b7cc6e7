"""Where things are by default: the rules (defined once, by the engine), examples, scenarios, instance.

Each is a function, so an environment variable set after import still counts.
"""

from __future__ import annotations

from pathlib import Path

from engine.rules import default_rules_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def examples_dir() -> Path:
    """The example cases the demo data is built from."""
    return PROJECT_ROOT / "examples"


def scenarios_dir() -> Path:
    """The disputed-case scenarios `boligtildeling scenarios run` runs by default."""
    return PROJECT_ROOT / "scenarios"


def instance_dir() -> Path:
    """The instance folder: the default SQLite database and the cookie-signing key."""
    return PROJECT_ROOT / "instance"


__all__ = ["default_rules_dir", "examples_dir", "instance_dir", "scenarios_dir"]
