"""Where things are by default: the checkout, and the rules folder (defined once, by the engine)."""

from __future__ import annotations

from pathlib import Path

from engine.rules import default_rules_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["PROJECT_ROOT", "default_rules_dir"]
