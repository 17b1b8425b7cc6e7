"""A plain install (`pip install .`, not -e) runs on its own, from any folder.

Built the way pip builds it, but offline: a wheel of a copy of the checkout (so
the build leaves nothing in the working tree), with this venv's own setuptools
and no build isolation, installed without dependencies into a folder of its own.
The commands then run on this interpreter, whose site-packages hold the
dependencies, with that folder on PYTHONPATH and a working folder outside the
checkout. The editable install's finder sits after the path finder in
sys.meta_path, so the folder wins; the first test proves the code and every
default folder really come from it.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine import read_case_file

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-28"
CASE = ROOT / "examples" / "sak-1-lade.yaml"
TIMEOUT_S = 300  # a guard against a hung pip, never a wait: each step takes seconds
# Not part of what `pip install <clone>` builds from, or made by running things in the checkout.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                                    "instance", "test-artifacts", ".pytest_cache", ".hypothesis", "regelutkast")
DATA_FOLDERS = ("rules", "schemas", "examples", "scenarios")  # shipped as boligtildeling_data/<folder>


def _can_build_offline() -> bool:
    """setuptools 70.1 builds wheels itself; an older one needs the `wheel` package beside it."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return False
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _pip(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--no-index"], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """What `pip install <clone>` sees, copied, since setuptools writes build/ and *.egg-info into it."""
    target = tmp_path_factory.mktemp("clone") / "boligtildeling"
    shutil.copytree(ROOT, target, ignore=NOT_SOURCE)
    return target


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    if not _can_build_offline():
        pytest.skip("setuptools>=70.1 mangler i test-miljøet (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("boligtildeling-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel, tmp_path_factory) -> Path:
    """The installed package: the wheel alone, its dependencies left to this venv."""
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--no-deps", "--target", str(target), str(wheel))
    return target


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory) -> Path:
    """A working folder, and a home with its data folders, outside the checkout."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture(scope="module")
def run(site, elsewhere):
    env = {k: v for k, v in os.environ.items()
           if k not in {"BOLIGTILDELING_RULES", "BOLIGTILDELING_INSTANCE", "DATABASE_URL", "PYTHONSAFEPATH"}}
    home = elsewhere / "home"
    env.update(PYTHONPATH=str(site), HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), PYTHONIOENCODING="utf-8")
    work = elsewhere / "work"
    work.mkdir(exist_ok=True)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=TIMEOUT_S)

    return run


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
            and p.suffix != ".pyc"}


def test_the_wheel_carries_every_module_and_data_file_and_nothing_else(source, wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"{package}/{name}" for package in ("engine", "service") for name in _files(source / package)}
    expected |= {f"boligtildeling_data/{folder}/{name}" for folder in DATA_FOLDERS
                 for name in _files(source / folder)}
    expected |= {f"boligtildeling_data/{name}" for name in _files(source / "boligtildeling_data")}
    assert sorted(expected - shipped) == []  # pyproject.toml: a package or package-data left out
    assert {name.split("/")[0] for name in shipped} == {"engine", "service", "boligtildeling_data",
                                                       f"{wheel.name.split('-py3')[0]}.dist-info"}
    assert "service/store/migrations/script.py.mako" in shipped
    assert "service/web/templates/base.html" in shipped


def test_the_code_and_every_default_folder_come_from_the_install(run, site, elsewhere):
    probe = ("import json, engine, service; from engine.policy import schemas; from service import config; "
             "from service.store import migrate; "
             "print(json.dumps({'service': service.__file__, 'engine': engine.__file__, "
             "'checkout': config.CHECKOUT and str(config.CHECKOUT), 'rules': str(config.default_rules_dir()), "
             "'schemas': str(schemas.SCHEMA_DIR), 'examples': str(config.examples_dir()), "
             "'scenarios': str(config.scenarios_dir()), 'migrations': str(migrate.MIGRATIONS_DIR), "
             "'instance': str(config.instance_dir())}))")
    done = run("-c", probe)
    assert done.returncode == 0, done.stderr
    where = json.loads(done.stdout)
    assert where.pop("checkout") is None
    assert where.pop("instance") == str(elsewhere / "home" / "data" / "boligtildeling")
    assert where == {
        "service": str(site / "service" / "__init__.py"),
        "engine": str(site / "engine" / "__init__.py"),
        "rules": str(site / "boligtildeling_data" / "rules"),
        "schemas": str(site / "boligtildeling_data" / "schemas"),
        "examples": str(site / "boligtildeling_data" / "examples"),
        "scenarios": str(site / "boligtildeling_data" / "scenarios"),
        "migrations": str(site / "service" / "store" / "migrations"),
    }


def test_rules_check_finds_the_shipped_rules_valid(run, site, rulebook):
    done = run("-m", "service", "rules", "check")
    assert done.returncode == 0, done.stderr
    assert (f"Regelverket i {site / 'boligtildeling_data' / 'rules'} er gyldig: versjon {rulebook.version}, "
            f"gjelder fra {rulebook.effective_from.isoformat()}, ") in done.stdout
    assert f"(innholdshash {rulebook.content_hash[:12]})." in done.stdout


def test_rank_of_a_case_in_the_clone_gives_what_the_checkout_gives(run, compiled):
    data, doc = read_case_file(CASE)
    expected = compiled.rank(data, dt.date.fromisoformat(AS_OF), doc)
    order = [c.id for c in expected.candidates]
    assert order[:2] == ["K-2210", "K-2031"]  # the example's point: the two equal-standing candidates first

    done = run("-m", "service", "rank", str(CASE), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert re.findall(r"^\d+\. (K-\d+) ", done.stdout, flags=re.MULTILINE) == order
    assert f"Presenteres for enhetslederen: {', '.join(expected.present_to_unit_leader)}\n" in done.stdout

    as_json = run("-m", "service", "rank", str(CASE), "--as-of", AS_OF, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == expected.model_dump(mode="json")


def test_scenarios_run_runs_every_shipped_scenario(run):
    count = len(list((ROOT / "scenarios").glob("*.yaml")))
    done = run("-m", "service", "scenarios", "run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == f"{count} passed, 0 failed"


def test_serve_builds_the_demo_in_the_user_data_folder_and_renders_pages(run, elsewhere):
    """The app `boligtildeling serve` runs, asked through its test client: no port, no waiting."""
    probe = ("import json; from service.cli.serve import serving_app; app = serving_app(); "
             "client = app.test_client(); "
             "login = client.post('/api/v1/login', json={'username': 'konsulent.anne', 'password': 'demo-passord'}); "
             "start = client.get('/'); "
             "print(json.dumps({'database': app.config['DATABASE_URL'], "
             "'seeded': app.extensions['boligtildeling.store'].seeded_demo, "
             "'login_page': client.get('/logg-inn').status_code, 'css': client.get('/static/site.css').status_code, "
             "'login': login.status_code, 'start': start.status_code, "
             "'greets': 'Anne Berg' in start.get_data(as_text=True)}))")
    done = run("-c", probe)
    assert done.returncode == 0, done.stderr
    instance = elsewhere / "home" / "data" / "boligtildeling"
    assert json.loads(done.stdout) == {
        "database": f"sqlite:///{instance / 'boligtildeling.sqlite3'}", "seeded": True,
        "login_page": 200, "css": 200, "login": 200, "start": 200, "greets": True,
    }
    assert (instance / "boligtildeling.sqlite3").is_file()
    assert (instance / "secret_key").is_file()


def test_rules_schema_has_no_default_folder_to_write_to_in_a_plain_install(run):
    """The shipped schemas belong to the installed package; `rules schema` must be told where to write."""
    done = run("-c", "from service.config import schema_out_dir; schema_out_dir()")
    assert done.returncode == 1
    assert "Oppgi med --out hvilken mappe JSON-skjemaene skal skrives til." in done.stderr
