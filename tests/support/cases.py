"""Random cases that are valid against a vocabulary (for property tests and the benchmark).

Driven by a `random.Random`, so a seed reproduces a case. Every field of the
vocabulary is used: required fields always, optional fields about half the time,
values from the allowed lists, numbers inside their bounds, dates around the
assessment date so computed months vary.
"""

from __future__ import annotations

import datetime as dt
import random

TEXTS = ("Lade allé 12", "Sverresgate 4", "Østre vei 1", "Kari Nordmann", "x", "")


def random_value(rng: random.Random, spec, vocabulary, as_of: dt.date):
    t = spec.type
    if t == "tekst":
        return rng.choice(TEXTS)
    if t == "boolsk":
        return rng.random() < 0.5
    if t == "dato":
        return (as_of - dt.timedelta(days=rng.randint(-60, 3 * 365))).isoformat()
    if t == "heltall":
        low = int(spec.min) if spec.min is not None else -1
        high = int(spec.maks) if spec.maks is not None else low + 10
        return rng.randint(low, min(high, low + 60))
    if t == "tall":
        low = spec.min if spec.min is not None else 0.0
        whole = rng.randint(int(low), int(low) + 100)
        return float(whole) if rng.random() < 0.5 else whole + rng.choice((0.25, 0.5))
    if t == "valg":
        return rng.choice(sorted(vocabulary.values_of(spec)))
    if t == "flervalg":
        options = sorted(vocabulary.values_of(spec))
        return rng.sample(options, rng.randint(0, len(options)))
    if t == "objekt":
        return random_section(rng, spec.felter, vocabulary, as_of)
    if t == "liste":  # only a vocabulary with lists draws here, so the shipped rules' cases stay the same
        return [random_section(rng, spec.felter, vocabulary, as_of) for _ in range(rng.randint(0, 5))]
    raise AssertionError(t)


def random_section(rng: random.Random, fields: dict, vocabulary, as_of: dt.date, optional_share: float = 0.5) -> dict:
    out = {}
    for name, spec in fields.items():
        if spec.obligatorisk or rng.random() < optional_share:
            out[name] = random_value(rng, spec, vocabulary, as_of)
    return out


def random_case(rng: random.Random, vocabulary, candidates: int, residents: int, as_of: dt.date) -> dict:
    """One vacancy, `residents` residents and `candidates` candidates with unique ids."""
    vacancy = random_section(rng, vocabulary.section("ledig_bolig"), vocabulary, as_of)
    vacancy["bolig"] = random_section(rng, vocabulary.section("bolig"), vocabulary, as_of)
    vacancy["botiltak"] = random_section(rng, vocabulary.section("botiltak"), vocabulary, as_of)
    people = []
    for i in range(residents):
        person = random_section(rng, vocabulary.section("beboer"), vocabulary, as_of)
        person["id"] = f"B-{i:05d}"
        people.append(person)
    nominees = []
    for i in range(candidates):
        nominee = random_section(rng, vocabulary.section("kandidat"), vocabulary, as_of)
        nominee["id"] = f"K-{i:05d}"
        nominee["sjekkliste"] = random_section(rng, vocabulary.section("sjekkliste"), vocabulary, as_of)
        nominees.append(nominee)
    return {"ledig_bolig": vacancy, "beboere": people, "kandidater": nominees}
