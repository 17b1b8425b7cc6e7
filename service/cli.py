"""The `boligtildeling` command: check rules, rank a case, run scenarios, serve.

The engine raises named errors whose text is for the user; here they become a
message on stderr and exit code 1 (2 for wrong usage, as click does).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from engine import BoligtildelingError, CompiledRules, load_rules, read_case_file
from engine.library import RulesLibrary
from engine.lint import lint
from engine.yaml_source import shown_path
from engine.result import RankingResult

from .config import default_rules_dir

RULES_OPTION = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
                            help="Regelmappen (standard: rules/ eller $BOLIGTILDELING_RULES).")


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD")


@click.group(help="Beslutningsstøtte for tildeling av kommunale utleieboliger med tjenester.")
def main():
    pass


@main.group(help="Regelverket: kontroller og vis.")
def rules():
    pass


@rules.command("check", help="Kontroller at regelverket i DIR er gyldig (standard: rules/), og let etter "
                              "regler som aldri kan gjelde, duplikater og beskyttede egenskaper.")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_check(directory):
    folder = directory or default_rules_dir()
    library = _library(folder)
    errors = 0
    for book in library.versions:
        findings = lint(book)
        for finding in findings:
            click.echo(str(finding), err=finding.severity == "feil")
        errors += sum(1 for f in findings if f.severity == "feil")
    if errors:
        click.echo(f"Regelverket i {folder} kan ikke tas i bruk: {errors} feil.", err=True)
        sys.exit(1)
    for book in library.versions:
        click.echo(f"Regelverket i {shown_path(book.folder)} er gyldig: versjon {book.version}, gjelder fra "
                   f"{book.effective_from.isoformat()}, {len(book.criteria)} kriterier, {len(book.checks)} "
                   f"egnethetskontroller, {len(book.composition)} sammensetningsregler "
                   f"(innholdshash {book.content_hash[:12]}).")


@rules.command("show", help="Vis regelverket i DIR (standard: rules/) som policytekst på bokmål.")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def rules_show(directory):
    from .policy_text import format_policy
    from .rules_listing import list_rules

    click.echo(format_policy(list_rules(CompiledRules(_load(directory or default_rules_dir())))))


@rules.command("diff", help="Vis forskjellen mellom regelverket i FØR og i ETTER (standard: rules/), side om side.")
@click.argument("before", metavar="FØR", type=click.Path(path_type=Path))
@click.argument("after", metavar="[ETTER]", required=False, type=click.Path(path_type=Path))
def rules_diff(before, after):
    from .policy_text import format_diff
    from .rules_listing import list_rules

    old = list_rules(CompiledRules(_load(before)))
    new = list_rules(CompiledRules(_load(after or default_rules_dir())))
    click.echo(format_diff(old, new))


@rules.command("schema", help="Skriv JSON Schema for regelfilene, saker og scenarioer (for redigering med "
                               "YAML-språktjeneren) til DIR (standard: schemas/).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None)
@RULES_OPTION
def rules_schema(out_dir, rules_dir):
    from engine import schemas

    book = _load(rules_dir or default_rules_dir())
    for path in schemas.write(book, out_dir or schemas.SCHEMA_DIR):
        click.echo(f"skrev {path}")


@rules.command("impact", help="Konsekvensanalyse: ranger tidligere saker etter regelverket som gjaldt på "
                               "vurderingsdatoen og etter utkastet i --draft, og vis hvem som rykker opp og ned.")
@click.option("--draft", "draft_dir", required=True, type=click.Path(path_type=Path), help="Mappen med utkastet.")
@click.option("--cases", "cases_path", type=click.Path(path_type=Path),
              help="Saksfil, mappe med saksfiler (YAML/JSON) eller CSV-fil (kolonner: sak, id, vurderingsdato).")
@click.option("--from-store", is_flag=True, help="Ta sakene fra innstillingene i databasen (DATABASE_URL).")
@RULES_OPTION
@click.option("--as-of", "as_of", callback=_date, help="Vurderingsdato for saker uten egen (standard: i dag).")
@click.option("--out", "html_out", type=click.Path(path_type=Path), help="Skriv rapporten som HTML hit.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Skriv én rad per sak og kandidat hit.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Antall prosesser (standard: alle kjerner).")
def rules_impact(draft_dir, cases_path, from_store, rules_dir, as_of, html_out, csv_out, workers):
    from .impact_report import error_lines, run_impact, write_csv, write_html

    if bool(cases_path) == from_store:
        raise click.UsageError("Oppgi enten --cases PATH eller --from-store.")
    try:
        report, draft = run_impact(draft_dir, rules_dir or default_rules_dir(), cases_path, from_store, as_of, workers)
    except BoligtildelingError as exc:
        _fail(exc)
    if csv_out:
        write_csv(report, csv_out)
    if html_out:
        write_html(report, html_out, draft)
    click.echo(report.summary.text())
    for line in error_lines(report):
        click.echo(line, err=True)
    for path in (csv_out, html_out):
        if path:
            click.echo(f"skrev {path}")


@main.command(help="Ranger kandidatene i saken CASE (YAML eller JSON) og forklar hvert poeng.")
@click.argument("case", type=click.Path(path_type=Path))
@RULES_OPTION
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--as-of", "as_of", callback=_date, help="Vurderingsdato ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--hva-om", "what_if", is_flag=True,
              help="Vis for hver kandidat under den første hvilke sjekklistefelt som måtte vært annerledes.")
def rank(case, rules_dir, as_json, as_of, what_if):
    library = _library(rules_dir or default_rules_dir())
    as_of = as_of or dt.date.today()
    try:
        compiled = library.compiled_for(as_of)  # the version in force on the as-of date
        data, doc = read_case_file(case)
        result = compiled.rank(data, as_of, doc, what_if=what_if)
    except BoligtildelingError as exc:
        _fail(exc)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(format_ranking(result))


@main.group(help="Scenarioer for omstridte saker.")
def scenarios():
    pass


@scenarios.command("run", help="Kjør scenarioene i DIR (standard: scenarios/).")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@RULES_OPTION
def scenarios_run(directory, rules_dir):
    from engine.scenarios import run_folder

    from .config import PROJECT_ROOT
    folder = directory or PROJECT_ROOT / "scenarios"
    try:
        outcomes = run_folder(folder, rules_dir)
    except BoligtildelingError as exc:
        _fail(exc)
    failed = 0
    for outcome in outcomes:
        mark = "OK  " if outcome.passed else "FEIL"
        click.echo(f"{mark} {outcome.file}: {outcome.name}")
        for message in outcome.failures:
            click.echo(f"       - {message}")
        failed += 0 if outcome.passed else 1
    click.echo(f"{len(outcomes) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not outcomes else 0)


@main.command(help="Start tjenesten (nettsider og API) på 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@RULES_OPTION
@click.option("--demo/--no-demo", default=None,
              help="Fyll en tom database med demodata (standard: ja, når DATABASE_URL ikke er satt).")
def serve(host, port, rules_dir, demo):
    from .cli_accounts import demo_logins, serving_app
    try:
        app = serving_app(rules_dir, demo)
    except BoligtildelingError as exc:  # invalid rules: say why and do not start
        _fail(exc)
    click.echo(f"Boligtildeling kjører på http://{host}:{port}/  (Ctrl+C stopper)")
    if app.config["DEMO_DATA"]:
        click.echo(demo_logins())
    app.run(host=host, port=port, threaded=True)


def _register_store_commands() -> None:
    from .cli_accounts import outbox, tokens, users
    main.add_command(users)
    main.add_command(tokens)
    main.add_command(outbox)


_register_store_commands()


def _library(folder: Path) -> RulesLibrary:
    try:
        return RulesLibrary.load(folder)
    except BoligtildelingError as exc:
        _fail(exc)


def _load(folder: Path):
    try:
        return load_rules(folder)
    except BoligtildelingError as exc:
        _fail(exc)


def _fail(exc: BoligtildelingError):
    click.echo(str(exc), err=True)
    sys.exit(1)


def format_ranking(result: RankingResult) -> str:
    """The ranking as a consultant reads it in a terminal."""
    lines = [
        f"Rangering for ledig bolig {result.vacancy_id} per {result.as_of.isoformat()}",
        f"Regelverk {result.rules_version.label} (gjelder fra {result.rules_version.effective_from.isoformat()}, "
        f"hash {result.rules_version.content_hash[:12]}); inndata-hash {result.input_hash[:12]}",
        "",
    ]
    for c in result.candidates:
        status = "kan tildeles" if c.eligible else "KAN IKKE TILDELES"
        if c.eligible and c.needs_consultation:
            status += ", krever drøftingsmøte"
        lines.append(f"{c.rank}. {c.id} ({c.welfare_office}): {c.score} poeng, {status}")
        if c.equal_standing_with:
            lines.append(f"   Likeverdig med: {', '.join(c.equal_standing_with)}")
        for item in c.score_items:
            lines.append(f"   {item.points:+4d}  {item.name}: {item.text}")
            lines.append(f"          Grunnlag: {item.basis}")
        for block in c.blocks:
            lines.append(f"   BLOKKERT  {block.name}: {block.text}")
            lines.append(f"          Grunnlag: {block.basis}")
        for consult in c.consultations:
            lines.append(f"   DRØFTING  {consult.name}: {consult.text}")
            lines.append(f"          Grunnlag: {consult.basis}")
        if c.compared_to_top:
            lines.append(f"   Hvorfor ikke først: {c.compared_to_top.text}")
        if c.what_would_lift:
            lines.append(f"   Hva om: {c.what_would_lift.text}")
        lines.append("")
    if result.present_to_unit_leader:
        lines.append("Presenteres for enhetslederen: " + ", ".join(result.present_to_unit_leader))
    else:
        lines.append("Ingen av kandidatene kan tildeles boligen.")
    for group in result.equal_standing_groups:
        lines.append(f"Likeverdige (innenfor {result.tie_margin:g} poeng): " + ", ".join(group))
    lines.append("Ved likt poeng: " + "; deretter ".join(result.tie_break_order) + ".")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
