"""`rules show` renders the rules in force as policy text; `rules diff` shows two versions side by side."""

from __future__ import annotations

from click.testing import CliRunner

from service.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_rules_show_lists_every_criterion_with_points_condition_and_basis(rulebook):
    result = run("rules", "show")
    assert result.exit_code == 0, result.output
    for criterion in rulebook.criteria:
        assert f"[{criterion.id}]" in result.output
        assert criterion.hjemmel in result.output
    assert "Bostedsløs [bostedslos]: 30 poeng" in result.output
    assert "Gjelder når «Bosituasjon» er «bostedsløs»." in result.output
    assert "Kandidater innenfor 5 poeng av hverandre er likeverdige" in result.output


def test_rules_diff_shows_only_what_changed_side_by_side(rules_copy):
    path = rules_copy / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    navn: Bostedsløs\n    poeng: 30", "    navn: Bostedsløs\n    poeng: 35"), encoding="utf-8")
    path = rules_copy / "egnethet.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: malgruppe_ikke_betjent")
    path.write_text(text[:start], encoding="utf-8")

    result = run("rules", "diff", "rules", str(rules_copy))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  ENDRET kriterium [bostedslos]: Bostedsløs" in lines
    changed = next(line for line in lines if line.strip().startswith("poeng"))
    assert changed.split() == ["poeng", "30", "poeng", "|", "35", "poeng"]
    assert any(line.startswith("  FJERNET egnethetskontroll [malgruppe_ikke_betjent]") for line in lines)
    assert "midlertidig_bolig" not in result.output
    assert lines[-1] == "17 regler er uendret."


def test_rules_diff_of_identical_folders_lists_no_changes(rules_copy):
    result = run("rules", "diff", "rules", str(rules_copy))
    assert result.exit_code == 0
    assert "ENDRET" not in result.output and "NY " not in result.output
    assert result.output.splitlines()[-1] == "19 regler er uendret."


def test_rules_diff_shows_changed_vilkar_tiers_decision_content_and_scope(tmp_path):
    """Stavanger's bundle against a copy where a vilkår's requirement and a decision option's text changed and
    the scope rule has a new id: each is named, the rest only counted."""
    import shutil
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "examples" / "policies" / "stavanger" / "regler"
    after = tmp_path / "etter"
    shutil.copytree(source, after)
    conditions = (after / "egnethet.yaml").read_text(encoding="utf-8")
    assert "krav: {felt: beregnet.botid_ar, minst: 2}" in conditions
    (after / "egnethet.yaml").write_text(conditions.replace("botid_ar, minst: 2}", "botid_ar, minst: 3}", 1),
                                         encoding="utf-8")
    ranking = (after / "rangering.yaml").read_text(encoding="utf-8")
    ranking = ranking.replace("id: bofellesskap_fast_bemanning", "id: bofellesskap_med_bemanning")
    ranking = ranking.replace("leieavtale normalt på 3 år;", "leieavtale normalt på 5 år;")
    (after / "rangering.yaml").write_text(ranking, encoding="utf-8")

    result = run("rules", "diff", str(source), str(after))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("  ENDRET vilkår [") for line in lines), result.output
    assert "  FJERNET virkeområde [bofellesskap_fast_bemanning]: Bofellesskap med fast bemanning" in lines
    assert "  NY virkeområde [bofellesskap_med_bemanning]: Bofellesskap med fast bemanning" in lines
    assert any(line.startswith("  ENDRET vedtakspunkt [leietid:") for line in lines), result.output
    assert "minst 3" in result.output and "5 år" in result.output
