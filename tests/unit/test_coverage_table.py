"""The coverage table (dekning.yaml) says why a rule is not faithful (issue 9): the source text, the language or
the service, because only the last two are work for the language's makers, and `rules dekning` shows them apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import RulesError
from engine.policy.coverage import load_coverage
from service.cli import main

ENTRY = "  - regel: {regel}\n    kilde: pkt. 1\n    status: {status}\n{arsak}    merknad: {merknad}\n"


def _table(folder: Path, *entries: tuple[str, str, str]) -> Path:
    folder.mkdir(parents=True)
    body = "".join(ENTRY.format(regel=f"Regel {i}", status=status, arsak=f"    arsak: {arsak}\n" if arsak else "",
                                merknad=merknad or "''")
                   for i, (status, arsak, merknad) in enumerate(entries))
    path = folder / "dekning.yaml"
    path.write_text("kilde: Retningslinjer for tildeling, 2024\nregler:\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry, message", [
    (("kompromiss", None, "teksten er avkortet"), "status 'kompromiss' krever en 'arsak': kilden, spraket, tjenesten"),
    (("umulig", "kilde", "ingen regel"), "arsak"),
    (("trofast", "kilden", None), "status 'trofast' har ingen 'arsak'"),
])
def test_a_compromise_without_its_cause_or_a_faithful_rule_with_one_is_refused_with_file_and_line(tmp_path, entry,
                                                                                                    message):
    path = _table(tmp_path / "a", entry)
    with pytest.raises(RulesError) as caught:
        load_coverage(path)
    assert message in str(caught.value)
    assert "dekning.yaml:" in str(caught.value), str(caught.value)


def test_rules_dekning_sums_statuses_and_causes_per_bundle(tmp_path):
    _table(tmp_path / "a-kommune", ("trofast", None, None), ("kompromiss", "kilden", "verdien er valgt"),
           ("kompromiss", "tjenesten", "en egen sakstype mangler"))
    _table(tmp_path / "b-council", ("trofast", None, None), ("umulig", "spraket", "ingen konstruksjon"))
    result = CliRunner().invoke(main, ["rules", "dekning", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.replace("|", " ").split()[1:] for line in result.output.splitlines()[1:4]}
    # trofast, kompromiss, umulig, i alt, trofast %, "%", kilden, språket, tjenesten
    assert rows["a-kommune"] == ["1", "2", "0", "3", "33", "%", "1", "0", "1"]
    assert rows["b-council"] == ["1", "0", "1", "2", "50", "%", "0", "1", "0"]
    assert result.output.splitlines()[3].split()[:3] == ["i", "alt", "2"]
    assert "a-kommune: kompromiss (tjenesten): Regel 2 (pkt. 1): en egen sakstype mangler" in result.output
