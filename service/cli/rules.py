"""`boligtildeling rules ...`: check, show, diff, schema and impact, for policy staff."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import BoligtildelingError, CompiledRules
from engine.policy.lint import lint
from engine.language.yaml_source import shown_path
from service.cli.common import RULES_OPTION, date_option, fail, load_bundle, load_library
from service.config import default_rules_dir, schema_out_dir


@click.group(help="Regelverket: kontroller og vis.")
def rules():
    pass


@rules.command("check", help="Kontroller at regelverket i MAPPE er gyldig (standard: rules/), og let etter "
                              "regler som aldri kan gjelde, duplikater og beskyttede egenskaper.")
@click.argument("directory", metavar="[MAPPE]", required=False, type=click.Path(path_type=Path))
def rules_check(directory):
    folder = directory or default_rules_dir()
    library = load_library(folder)
    errors = 0
    for book in library.versions:
        findings = lint(book)
        for finding in findings:
            if finding.severity == "feil":
                sys.stdout.flush()  # notes (stdout, buffered in a pipe) never split an error line (stderr) in two
            click.echo(str(finding), err=finding.severity == "feil")
        errors += sum(1 for f in findings if f.severity == "feil")
    if errors:
        click.echo(f"Regelverket i {folder} kan ikke tas i bruk: {errors} feil.", err=True)
        sys.exit(1)
    for book in library.versions:
        click.echo(f"Regelverket i {shown_path(book.folder)} er gyldig: versjon {book.version}, gjelder fra "
                   f"{book.effective_from.isoformat()}, " + ", ".join(
                       f"{n} {one if n == 1 else many}" for n, one, many in _counted(book)
                           if n or many in ("kriterier", "egnethetskontroller", "sammensetningsregler"))
                   + f" (innholdshash {book.content_hash[:12]}).")


def _counted(book) -> list[tuple[int, str, str]]:
    """What `rules check` counts, in the singular and the plural («1 merknad», «2 merknader», a tester)."""
    return [(len(book.conditions), "vilkår", "vilkår"), (len(book.criteria), "kriterium", "kriterier"),
            (len(book.groups), "gruppe", "grupper"), (len(book.checks), "egnethetskontroll", "egnethetskontroller"),
            (len(book.composition), "sammensetningsregel", "sammensetningsregler"),
            (len(book.ranking.trinn), "trinn", "trinn"), (len(book.plans), "lokal plan", "lokale planer"),
            (len(book.ranking.vedtak), "vedtakspunkt", "vedtakspunkter"), (len(book.notes), "merknad", "merknader"),
            (len(book.ranking.gjelder_ikke), "regel om virkeområdet", "regler om virkeområdet")]


@rules.command("show", help="Vis regelverket i MAPPE (standard: rules/) som policytekst på bokmål.")
@click.argument("directory", metavar="[MAPPE]", required=False, type=click.Path(path_type=Path))
def rules_show(directory):
    from service.reports.policy_text import format_policy
    from service.reports.rules_listing import list_rules

    click.echo(format_policy(list_rules(CompiledRules(load_bundle(directory or default_rules_dir())))))


@rules.command("diff", help="Vis forskjellen mellom regelverket i FØR og i ETTER (standard: rules/), side om side.")
@click.argument("before", metavar="FØR", type=click.Path(path_type=Path))
@click.argument("after", metavar="[ETTER]", required=False, type=click.Path(path_type=Path))
def rules_diff(before, after):
    from service.reports.policy_text import format_diff
    from service.reports.rules_listing import list_rules

    old = list_rules(CompiledRules(load_bundle(before)))
    new = list_rules(CompiledRules(load_bundle(after or default_rules_dir())))
    click.echo(format_diff(old, new))


@rules.command("schema", help="Skriv JSON Schema for regelfilene, saker og scenarioer (for redigering med "
                               "YAML-språktjeneren) til MAPPE (standard: schemas/).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None)
@RULES_OPTION
def rules_schema(out_dir, rules_dir):
    from engine.policy import schemas

    book = load_bundle(rules_dir or default_rules_dir())
    try:
        folder = out_dir or schema_out_dir()
    except BoligtildelingError as exc:
        fail(exc)
    for path in schemas.write(book, folder):
        click.echo(f"skrev {path}")


@rules.command("impact", help="Konsekvensanalyse: ranger tidligere saker etter regelverket som gjaldt på "
                               "vurderingsdatoen og etter utkastet i --draft, og vis hvem som rykker opp og ned.")
@click.option("--draft", "draft_dir", required=True, type=click.Path(path_type=Path), help="Mappen med utkastet.")
@click.option("--cases", "cases_path", type=click.Path(path_type=Path),
              help="Saksfil, mappe med saksfiler (YAML/JSON) eller CSV-fil (kolonner: sak, id, vurderingsdato).")
@click.option("--from-store", is_flag=True, help="Ta sakene fra innstillingene i databasen (DATABASE_URL).")
@RULES_OPTION
@click.option("--as-of", "as_of", callback=date_option, help="Vurderingsdato for saker uten egen (standard: i dag).")
@click.option("--out", "html_out", type=click.Path(path_type=Path), help="Skriv rapporten som HTML hit.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Skriv én rad per sak og kandidat hit.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Antall prosesser (standard: alle kjerner).")
def rules_impact(draft_dir, cases_path, from_store, rules_dir, as_of, html_out, csv_out, workers):
    from service.reports.impact_report import error_lines, run_impact, write_csv, write_html

    if bool(cases_path) == from_store:
        raise click.UsageError("Oppgi enten --cases FIL eller --from-store.")
    try:
        report, draft = run_impact(draft_dir, rules_dir or default_rules_dir(), cases_path, from_store, as_of, workers)
    except BoligtildelingError as exc:
        fail(exc)
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


@rules.command("dekning", help="Vis dekningstabellene (dekning.yaml) under MAPPE (standard: examples/policies/): "
                                "hvor mange av kildetekstenes regler hvert regelverk gjør trofast, som kompromiss "
                                "eller ikke kan gjøre.")
@click.argument("directory", metavar="[MAPPE]", required=False, type=click.Path(path_type=Path))
def rules_coverage(directory):
    from engine.policy.coverage import STATUSES, load_coverage, tally

    folder = directory or Path(__file__).resolve().parents[2] / "examples" / "policies"
    paths = sorted(Path(folder).glob("*/dekning.yaml"))
    if not paths:
        fail(BoligtildelingError(f"ingen dekning.yaml under {shown_path(Path(folder))}"))
    try:
        files = {path.parent.name: load_coverage(path) for path in paths}
    except BoligtildelingError as exc:
        fail(exc)
    per, total = tally(files)
    width = max(len(name) for name in per)
    click.echo(f"{'regelverk':<{width}}  trofast  kompromiss  umulig  i alt  trofast %"
               f"  | ikke trofast fordi: kilden  språket  tjenesten")
    for name, counts in [*per.items(), ("i alt", total)]:
        n = sum(counts[status] for status in STATUSES)
        click.echo(f"{name:<{width}}  {counts['trofast']:>7}  {counts['kompromiss']:>10}  {counts['umulig']:>6}  "
                   f"{n:>5}  {100 * counts['trofast'] / n:>8.0f} %  | {'':>18} {counts['arsak:kilden']:>6}  "
                   f"{counts['arsak:spraket']:>7}  {counts['arsak:tjenesten']:>9}")
    click.echo("kilden: kildeteksten er avkortet, uklar eller lar en verdi stå åpen, og regelverket har valgt; "
               "språket: regelspråket mangler en konstruksjon; tjenesten: teksten krever noe utenfor "
               "rangeringen av én ledig bolig.")
    for name, coverage in files.items():
        for entry in coverage.regler:
            if entry.status != "trofast":
                click.echo(f"{name}: {entry.status} ({entry.arsak}): {entry.regel} ({entry.kilde}): {entry.merknad}")
