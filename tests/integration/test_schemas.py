"""The JSON Schemas shipped in schemas/ are current and validate every shipped file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from engine.policy import schemas
from service.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "rules"
EXAMPLE_CASES = sorted((ROOT / "examples").glob("sak-*.yaml"))
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def as_json(value):
    """YAML dates become ISO strings, as the language server sees them."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validator(name: str):
    schema = json.loads((schemas.SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_the_shipped_schemas_are_what_the_models_generate(rulebook):
    assert schemas.stale(rulebook) == [], "kjør `boligtildeling rules schema`"


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_rules_file_validates_and_points_at_its_schema(path):
    text = path.read_text(encoding="utf-8")
    name = schemas.schema_name(path.name)
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schemas/{name}"
    assert list(validator(name).iter_errors(as_json(yaml.safe_load(text)))) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_validates_and_points_at_the_scenario_schema(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/scenario.schema.json"
    assert list(validator("scenario.schema.json").iter_errors(as_json(yaml.safe_load(text)))) == []


@pytest.mark.parametrize("path", EXAMPLE_CASES, ids=lambda p: p.name)
def test_the_example_cases_validate_against_the_case_schema(path):
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert list(validator("sak.schema.json").iter_errors(data)) == []


def test_a_misspelled_key_in_a_rules_file_is_flagged_by_the_schema():
    data = as_json(yaml.safe_load((RULES_DIR / "prioritering.yaml").read_text(encoding="utf-8")))
    data["kriterier"][0]["forklarin"] = data["kriterier"][0].pop("forklaring")
    messages = [e.message for e in validator("prioritering.schema.json").iter_errors(data)]
    assert any("forklarin" in m for m in messages), messages
    assert any("'forklaring' is a required property" in m for m in messages), messages


def test_a_value_outside_the_vocabulary_is_flagged_by_the_case_schema():
    data = as_json(yaml.safe_load(EXAMPLE_CASES[0].read_text(encoding="utf-8")))
    data["kandidater"][2]["sjekkliste"]["tjenestebehov"] = "natt"
    assert list(validator("sak.schema.json").iter_errors(data))


def test_a_new_vocabulary_field_changes_the_case_schema_and_rules_schema_writes_it(rules_copy, tmp_path):
    felter = rules_copy / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8").replace(
        "    samtykke_deling:\n", "    husdyr: {type: boolsk, etikett: Har husdyr}\n    samtykke_deling:\n"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "schema", "--rules", str(rules_copy), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "sak.schema.json").read_text(encoding="utf-8"))
    assert "husdyr" in written["$defs"]["Sjekkliste"]["properties"]
