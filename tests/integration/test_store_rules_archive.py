"""A stored recommendation re-ranks to the identical result after the rules files change."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from engine import CompiledRules, load_rules
from service.casework import recommendations
from service.store.rules_archive import compiled_version
from support.store import nominate_all, report_lade


def test_a_stored_recommendation_reranks_identically_after_the_rules_folder_changes(world, tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(Path(world.rules.book.folder), rules_dir)
    world.rules = CompiledRules(load_rules(rules_dir))
    vacancy_id = report_lade(world)
    nominate_all(world, vacancy_id)
    world.at("2026-11-28", 9)
    rec = recommendations.make_recommendation(world.ctx("konsulent.anne"), vacancy_id)
    stored_hash = rec["rules_version"]["content_hash"]

    # Policy staff change the priority key: every criterion is worth more points.
    path = rules_dir / "prioritering.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for criterion in data["kriterier"]:
        if isinstance(criterion["poeng"], int):
            criterion["poeng"] += 7
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    changed = CompiledRules(load_rules(rules_dir))
    assert changed.book.content_hash != stored_hash
    assert changed.rank(rec["input"], dt.date.fromisoformat(rec["as_of"])).model_dump(mode="json") != rec["result"]
    shutil.rmtree(rules_dir)  # even gone: the archive holds the version

    again = recommendations.rerank(world.ctx("konsulent.jonas"), rec["id"])
    assert again["identical"] is True
    assert again["result"] == rec["result"]
    assert again["rules_version"]["content_hash"] == stored_hash


def test_the_archive_keeps_each_rules_version_once(world):
    vacancy_id = report_lade(world)
    nominate_all(world, vacancy_id, ["K-1187"])
    recommendations.make_recommendation(world.ctx("konsulent.anne"), vacancy_id)
    assert world.count("rules_bundles") == 1
    assert world.count("rules_bundle_files") == 6
    with world.sessions() as s:
        assert compiled_version(s, world.rules.book.content_hash).book.content_hash == world.rules.book.content_hash
