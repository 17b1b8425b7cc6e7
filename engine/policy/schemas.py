"""JSON Schemas for every file policy staff and caseworkers write, generated from the models.

One definition of each format: the pydantic model. The schemas are shipped in
`schemas/` and referenced from each YAML file with a
`# yaml-language-server: $schema=...` line, so an editor with the YAML language
server completes keys and flags mistakes as the officer types. The case schema
follows the vocabulary in `rules/felter.yaml`, so it changes when a field is
added there: `boligtildeling rules schema` writes them anew, and a test fails
when the shipped ones are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.language.case import CaseModels
from engine.language.rules import FILES, Rulebook
from engine.policy.scenarios import ScenarioSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The checkout's schemas/ (the one `rules schema` rewrites); in a plain install the copy the wheel ships.
SCHEMA_DIR = Path(__file__).resolve().parents[2] / (
    "schemas" if (Path(__file__).resolve().parents[2] / "pyproject.toml").is_file()
    else "boligtildeling_data/schemas")


def schema_name(rules_file: str) -> str:
    """`prioritering.yaml` -> `prioritering.schema.json`."""
    return rules_file.removesuffix(".yaml") + ".schema.json"


def generate(book: Rulebook) -> dict[str, dict]:
    """File name -> schema, for the rules files, a case (under this vocabulary) and a scenario."""
    models = {schema_name(name): model for name, model in FILES.items()}
    models["sak.schema.json"] = CaseModels(book.vocabulary).Case
    models["scenario.schema.json"] = ScenarioSpec
    out = {}
    for name, model in models.items():
        schema = {"$schema": DIALECT, **model.model_json_schema()}
        schema["title"] = f"boligtildeling: {name.removesuffix('.schema.json')}"
        out[name] = schema
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write(book: Rulebook, folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate(book).items():
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def stale(book: Rulebook, folder: Path = SCHEMA_DIR) -> list[str]:
    """Names of shipped schemas that differ from what the models generate now (or are missing)."""
    out = []
    for name, schema in generate(book).items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != render(schema):
            out.append(name)
    return out
