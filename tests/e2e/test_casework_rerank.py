"""Over HTTP: a stored recommendation re-ranks to the identical result after the rules files change."""

from __future__ import annotations

import shutil

from support.http import Api, casework_config
from service.web.app import create_app
from support.http import nominate_all, report_lade


def test_a_stored_recommendation_reranks_identically_after_the_rules_change(tmp_path, casework_template, clock,
                                                                            rules_copy):
    path = tmp_path / "casework.sqlite3"
    shutil.copy(casework_template, path)
    app = create_app({**casework_config(tmp_path, f"sqlite:///{path}", clock),
                      "RULES_DIR": str(rules_copy), "RULES_CHECK_SECONDS": 0})
    api = Api(app.test_client(), clock)
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    rec = api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)

    text = (rules_copy / "prioritering.yaml").read_text(encoding="utf-8")
    (rules_copy / "prioritering.yaml").write_text(text.replace("    navn: I midlertidig bolig\n    poeng: 20",
                                                               "    navn: I midlertidig bolig\n    poeng: 40"),
                                                  encoding="utf-8")
    status = api.ok("GET", "/rules/status", as_="konsulent.anne")
    assert [v["content_hash"] for v in status["versions"]] != [rec["rules_version"]["content_hash"]]

    # The service now ranks with the changed rules, but the stored recommendation
    # re-ranks under its own version, to the identical result.
    again = api.ok("POST", f"/recommendations/{rec['id']}/rerank", as_="konsulent.anne")
    assert again["identical"] is True
    assert again["rules_version"]["content_hash"] == rec["rules_version"]["content_hash"]
    scores = {c["id"]: c["score"] for c in again["result"]["candidates"]}
    assert scores["K-2210"] == 65  # 20 points for temporary housing, as when it was recommended
