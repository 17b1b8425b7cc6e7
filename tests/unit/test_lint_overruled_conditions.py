"""A vilkår that calls for consultation (utfall: drofting) but is only ever unmet together with a vilkår that refuses:
it can never change an outcome. A Bergen tester's exception from the residence period («after a concrete
assessment») did nothing, and `rules check` said nothing."""

from __future__ import annotations

from engine import load_rules
from engine.policy.lint import lint
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  botid_maneder: {type: heltall, etikett: måneder i kommunen, min: 0}
  bosatt_etter_avtale: {type: boolsk, etikett: bosatt etter avtale med IMDi}
sjekkliste:
  bosituasjon: {type: valg, etikett: bosituasjon, verdier: {egen: egen bolig, krisesenter: krisesenter}}
"""


def _findings(tmp_path, hard_extra: str = "") -> list[str]:
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS)
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + f"""vilkar:
  - id: botid
    navn: Botid i 12 måneder
    krav:
      noen:
        - {{felt: kandidat.botid_maneder, minst: 12}}
        - {{felt: kandidat.bosatt_etter_avtale, er: true}}{hard_extra}
    begrunnelse: botid
    hjemmel: § 3c
  - id: botid_unntak
    navn: Unntak fra botidskravet etter en konkret vurdering
    krav:
      noen:
        - {{felt: kandidat.botid_maneder, minst: 12}}
        - {{felt: kandidat.bosatt_etter_avtale, er: true}}
        - {{felt: sjekkliste.bosituasjon, er_ikke: krisesenter}}
    utfall: drofting
    begrunnelse: unntak
    hjemmel: § 3c
""", encoding="utf-8")
    return [str(f.problem) for f in lint(load_rules(folder)) if "kan aldri endre utfallet" in f.problem.message]


def test_an_exception_the_refusing_vilkar_overrules_is_noted_with_the_fix(tmp_path):
    [found] = _findings(tmp_path)
    assert "vilkår 'botid_unntak': kan aldri endre utfallet: hver kandidat som ikke oppfyller det, oppfyller heller " \
           "ikke vilkåret 'botid', som gir avslag" in found
    assert "skriv unntaket inn i kravet der (noen: [...])" in found and "egnethet.yaml:" in found


def test_the_exception_written_into_the_refusing_vilkar_is_not_noted(tmp_path):
    fixed = "\n        - {felt: sjekkliste.bosituasjon, er: krisesenter}"
    assert _findings(tmp_path, fixed) == []


def test_a_vilkar_that_reads_the_home_is_noted_with_the_plan_to_use_instead(tmp_path):
    """A Bristol and a Drammen tester wrote the home's kind into a vilkår: the applicant is then refused, or not,
    by which home fell vacant."""
    sections = SECTIONS + "bolig:\n  eldrebolig: {type: boolsk, etikett: bolig for eldre}\n"
    folder = write_bundle(tmp_path / "regler", sections=sections)
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + """vilkar:
  - id: botid
    navn: Botid
    krav:
      noen:
        - {felt: kandidat.botid_maneder, minst: 12}
        - {felt: bolig.eldrebolig, er: true}
    begrunnelse: botid
    hjemmel: h
""", encoding="utf-8")
    [found] = [str(f.problem) for f in lint(load_rules(folder)) if "leser boligen" in f.problem.message]
    assert "vilkår 'botid': leser boligen (bolig.eldrebolig): et vilkår gjelder søknaden, ikke én bolig" in found
    assert "skriv det som et vilkår i en lokal plan for dem (vilkar)" in found and "egnethet.yaml:" in found
