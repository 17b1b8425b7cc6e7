"""What would change the ranking: the smallest set of checklist facts that lifts a nominee to the top."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from engine import read_case_file
from engine.language.case import validate_case
from engine.evaluation.what_if import _options, what_if_all

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = dt.date(2026, 11, 28)


def case(compiled, name):
    data, doc = read_case_file(EXAMPLES / name)
    return validate_case(data, compiled.case_models, doc)


def first_after(compiled, case_, candidate_id, changes):
    changed = copy.deepcopy(case_)
    target = next(k for k in changed["kandidater"] if k["id"] == candidate_id)
    for change in changes:
        target["sjekkliste"][change.field.split(".", 1)[1]] = change.would_be
    return next(c for c in compiled.rank_valid(changed, AS_OF).candidates if c.eligible).id


@pytest.mark.parametrize("name", ["sak-1-lade.yaml", "sak-2-sammensetning.yaml"])
def test_each_proposed_change_really_lifts_the_nominee_to_the_top(compiled, name):
    c = case(compiled, name)
    for candidate_id, answer in what_if_all(compiled, c, AS_OF).items():
        if answer.possible:
            assert first_after(compiled, c, candidate_id, answer.changes) == candidate_id, answer.text


def test_the_proposal_is_minimal_no_single_change_would_do_when_two_are_proposed(compiled):
    c = case(compiled, "sak-1-lade.yaml")
    answer = what_if_all(compiled, c, AS_OF)["K-1187"]
    assert len(answer.changes) == 2
    original = next(k for k in c["kandidater"] if k["id"] == "K-1187")
    for name, value in _options(compiled, original["sjekkliste"]):
        changed = copy.deepcopy(c)
        next(k for k in changed["kandidater"] if k["id"] == "K-1187")["sjekkliste"][name] = value
        top = next(x for x in compiled.rank_valid(changed, AS_OF).candidates if x.eligible)
        assert top.id != "K-1187", (name, value)


def test_one_documented_fact_would_lift_k0954(compiled):
    answer = what_if_all(compiled, case(compiled, "sak-1-lade.yaml"), AS_OF)["K-0954"]
    assert [(c.field, c.now, c.would_be) for c in answer.changes] == [("sjekkliste.omsorgsgiver_svikter", False, True)]
    assert answer.text == ("K-0954 ville stått foran K-2210 om «Foreldre/pårørende kan ikke lenger ivareta "
                           "søkeren» var ja (dokumentert: nei).")


def test_none_possible_where_blocks_on_the_home_stand_in_the_way(compiled):
    answer = what_if_all(compiled, case(compiled, "sak-2-sammensetning.yaml"), AS_OF)["K-3003"]
    assert not answer.possible and answer.changes == []
    assert answer.text.startswith("Ingen mulig")
    assert "Boligen er ikke tilpasset rullestol" in answer.text


def test_consent_is_never_proposed(compiled):
    c = case(compiled, "sak-1-lade.yaml")
    for answer in what_if_all(compiled, c, AS_OF, max_changes=3).values():
        assert all(not ch.field.startswith("sjekkliste.samtykke") for ch in answer.changes)


def test_the_cli_and_the_api_show_what_would_lift_each_nominee(compiled, tmp_path):
    import yaml
    from click.testing import CliRunner

    from service.web.app import create_app
    from service.cli import main

    cli = CliRunner().invoke(main, ["rank", str(EXAMPLES / "sak-1-lade.yaml"), "--as-of", "2026-11-28", "--hva-om"])
    assert cli.exit_code == 0, cli.output
    assert ("   Hva om: K-0954 ville stått foran K-2210 om «Foreldre/pårørende kan ikke lenger ivareta søkeren» "
            "var ja (dokumentert: nei).") in cli.output.splitlines()

    text = (EXAMPLES / "sak-1-lade.yaml").read_text(encoding="utf-8")
    with_json = CliRunner().invoke(main, ["rank", str(EXAMPLES / "sak-1-lade.yaml"), "--as-of", "2026-11-28",
                                          "--hva-om", "--json"])
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    api = app.test_client().post("/api/v1/rank?as_of=2026-11-28&what_if=true", data=text,
                                 content_type="application/yaml")
    assert api.status_code == 200
    body = api.get_json()
    assert body == yaml.safe_load(with_json.output)
    lifts = {c["id"]: c["what_would_lift"] for c in body["candidates"]}
    assert lifts["K-2210"] is None
    assert lifts["K-0954"]["changes"][0]["field"] == "sjekkliste.omsorgsgiver_svikter"
    assert app.test_client().post("/api/v1/rank?what_if=kanskje", data=text,
                                  content_type="application/yaml").status_code == 400
