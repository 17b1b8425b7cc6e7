"""Where things are by default: the rules (defined once, by the engine), examples, scenarios, instance.

From a checkout (an editable install, the tests, `PYTHONPATH=.`) every default is
the checkout's own folder, so policy staff who edit rules/ or scenarios/ there
see their edits at once. From a plain install (`pip install .`) the rules,
schemas, examples and scenarios are the copies the wheel ships in
`boligtildeling_data` (see pyproject.toml), read-only as far as we are
concerned, and the instance folder is the user's data folder: the database and
the cookie key must outlive the working folder a command happens to run in,
and `serve`, `users` and `tokens` must all find the same database.

    rules       $BOLIGTILDELING_RULES, else <checkout>/rules, else the shipped copy
    schemas     engine.policy.schemas.SCHEMA_DIR: <checkout>/schemas, else the shipped copy
    examples    <checkout>/examples, else the shipped copy
    scenarios   <checkout>/scenarios, else the shipped copy
    routine     $BOLIGTILDELING_RUTINE, else <checkout>/rutine/frister.yaml, else the shipped copy
    instance    $BOLIGTILDELING_INSTANCE, else <checkout>/instance, else the platform's
                per-user data folder: $XDG_DATA_HOME/boligtildeling (~/.local/share/boligtildeling)
                on Linux, ~/Library/Application Support/boligtildeling on macOS,
                %LOCALAPPDATA%\\boligtildeling on Windows

Each is a function, so an environment variable set after import still counts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.errors import BoligtildelingError
from engine.language.rules import default_rules_dir

_PACKAGES_ROOT = Path(__file__).resolve().parent.parent  # the checkout, or site-packages
# The same test engine.language.rules.default_rules_dir and engine.policy.schemas.SCHEMA_DIR make.
CHECKOUT: Path | None = _PACKAGES_ROOT if (_PACKAGES_ROOT / "pyproject.toml").is_file() else None
INSTALLED_DATA = _PACKAGES_ROOT / "boligtildeling_data"
APP_NAME = "boligtildeling"


def data_dir(name: str) -> Path:
    """A top-level data folder of the checkout, or its copy in a plain install; one rule for all of them."""
    return CHECKOUT / name if CHECKOUT is not None else INSTALLED_DATA / name


def examples_dir() -> Path:
    """The example cases the demo data is built from."""
    return data_dir("examples")


def scenarios_dir() -> Path:
    """The disputed-case scenarios `boligtildeling scenarios run` runs by default."""
    return data_dir("scenarios")


def routine_file() -> Path:
    """The routine's deadlines and targets (frister og mål): $BOLIGTILDELING_RUTINE, else rutine/frister.yaml."""
    configured = os.environ.get("BOLIGTILDELING_RUTINE")
    return Path(configured) if configured else data_dir("rutine") / "frister.yaml"


def instance_dir() -> Path:
    """The instance folder: the default SQLite database and the cookie-signing key."""
    configured = os.environ.get("BOLIGTILDELING_INSTANCE")
    if configured:
        return Path(configured)
    if CHECKOUT is not None:
        return CHECKOUT / "instance"
    return user_data_dir()


def user_data_dir() -> Path:
    """The platform's per-user data folder for the app: writable, and the same whatever the working folder."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"  # the XDG rule
    return base / APP_NAME


def schema_out_dir() -> Path:
    """Where `rules schema` writes without --out: the checkout's schemas/, never the installed package."""
    if CHECKOUT is None:
        raise BoligtildelingError(
            "Oppgi med --out hvilken mappe JSON-skjemaene skal skrives til. Standardmappen schemas/ finnes "
            "bare i en utsjekking av prosjektet; skjemaene i den installerte pakken endres ikke.")
    from engine.policy.schemas import SCHEMA_DIR

    return SCHEMA_DIR


__all__ = ["CHECKOUT", "data_dir", "default_rules_dir", "examples_dir", "instance_dir", "routine_file", "scenarios_dir",
           "schema_out_dir", "user_data_dir"]
