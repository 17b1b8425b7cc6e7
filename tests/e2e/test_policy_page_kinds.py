"""The policy page (/regelverk) lists vilkår, tiers, notes and the decision's content when the rules in
force have them, so policy staff see every rule the service ranks and decides by."""

from __future__ import annotations

from pathlib import Path

from service.web.app import create_app
from support.http import casework_config, world_with_logins
from support.pages import Pages, visible_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_policy_page_lists_every_kind_of_rule_in_force(tmp_path):
    w = world_with_logins(tmp_path, ROOT / "rules", "policy.sqlite3")
    try:
        app = create_app({**casework_config(tmp_path, w.url, w.clock),
                          "RULES_DIR": str(ROOT / "examples" / "policies" / "kristiansand" / "regler")})
        pages = Pages(app)
        pages.login("konsulent.anne")
        text = visible_text(pages.get("/regelverk").get_data(as_text=True))
        app.extensions["boligtildeling.store"].engine.dispose()
    finally:
        w.close()
    assert "Vilkår: for å stå på ventelisten må …" in text
    assert "Lovlig opphold i Norge «Har lovlig opphold i Norge» er ja" in text
    assert "Trinn: et høyere trinn går foran uansett poeng" in text and "Øvrige søkere alle andre" in text
    assert "Vedtakets innhold: det første som passer" in text
    assert "Leietid leieavtale normalt på 3 år; leietakeren kan søke om fornyelse ellers" in text
    assert "Merknader til saksbehandleren" not in text  # Kristiansand has none
