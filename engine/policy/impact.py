"""Impact analysis (konsekvensanalyse): past cases ranked under the rules in force and under a draft.

    report = analyse_impact(cases, RulesLibrary.load("rules"), load_rules("utkast"), workers=2)

`cases` are (case_id, case data, as_of) triples: a stored recommendation's input
and date, or a case file. Each case is ranked under the version in force on its
as-of date ("før") and under the draft ("etter"), on the same date, through the
same durable_rules evaluator as production (`CompiledRules.candidate_facts` and
`rank_facts`, the two halves of `rank_brief`, which
tests/integration/test_impact.py proves equal to `rank_valid`). The answer is pandas
tables: one row per case and candidate, one per case, the same aggregated by
target group (kandidat.malgrupper, one row per group a candidate belongs to) and
by welfare office (kandidat.hvk), and a summary.

A case that cannot be ranked (invalid under either version's vocabulary, or no
version in force on its date) is listed in `errors` and left out of the tables.

Speed: cases are ranked in chunks (durable_rules' per-fact cost grows with the
size of a session), each chunk under both versions; with `workers` > 1 the
chunks are spread over processes, each compiling its own rules (durable_rules'
state is per process). When the draft has the same vocabulary as the version in
force, a case is validated and its facts are built once for both. The worker
processes are ours and run with the cyclic garbage collector off; in the
calling process it is left as the caller set it, since the web service calls
this inside a request (a caller that owns its process may wrap the call in
`engine.evaluation.gc_pause.paused_gc`).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import gc
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pandas as pd

from engine.language.case import validate_case
from engine.evaluation.durable_adapter import DurableRules
from engine.errors import BoligtildelingError
from engine.evaluation.library import RulesLibrary
from engine.evaluation.ranking import CompiledRules
from engine.language.rules import Rulebook

CHUNK_SIZE = 100  # cases per durable session; larger sessions cost more per fact
NO_GROUP = "(ingen målgruppe)"
NO_OFFICE = "(ukjent)"


@dataclass(frozen=True)
class PastCase:
    case_id: str
    data: Any
    as_of: dt.date


@dataclass
class ImpactSummary:
    cases_total: int
    cases_evaluated: int
    cases_order_changed: int
    cases_top_changed: int
    cases_failed: int
    candidates: int
    candidates_gained: int
    candidates_lost: int
    seconds: float
    draft: dict
    versions_before: list[dict] = field(default_factory=list)
    workers: int = 1

    def text(self) -> str:
        """The summary as a policy officer reads it (bokmål)."""
        n = self.cases_evaluated

        def share(k: int) -> str:
            return f"{k} ({_percent(k, n)})" if n else str(k)

        before = ", ".join(f"{v['label']} ({v['cases']} saker)" for v in self.versions_before) or "ingen"
        lines = [
            f"Konsekvensanalyse av utkastet {self.draft['label']} (innholdshash {self.draft['content_hash'][:12]})",
            f"Sammenlignet med regelverket i kraft på hver saks vurderingsdato: {before}",
            f"Saker vurdert: {n} av {self.cases_total}",
            f"Saker der rekkefølgen endres: {share(self.cases_order_changed)}",
            f"Saker der førstekandidaten endres: {share(self.cases_top_changed)}",
            f"Kandidater som rykker opp: {self.candidates_gained}, som rykker ned: {self.candidates_lost} "
            f"(av {self.candidates})",
        ]
        if self.cases_failed:
            lines.append(f"Saker som ikke kunne vurderes: {self.cases_failed}")
        lines.append(f"Tid brukt: {_decimal(self.seconds, 2)} s ({self.workers} "
                     f"{'prosess' if self.workers == 1 else 'prosesser'})")
        return "\n".join(lines)


@dataclass
class ImpactReport:
    candidates: pd.DataFrame  # one row per case and candidate
    cases: pd.DataFrame  # one row per case
    by_target_group: pd.DataFrame
    by_office: pd.DataFrame
    errors: pd.DataFrame  # case_id, message
    summary: ImpactSummary

    @property
    def order_changed(self) -> list[str]:
        return self.cases.loc[self.cases["order_changed"], "case_id"].tolist()

    @property
    def top_changed(self) -> list[str]:
        return self.cases.loc[self.cases["top_changed"], "case_id"].tolist()


CANDIDATE_COLUMNS = ["case_id", "as_of", "version_before", "candidate_id", "welfare_office", "target_groups",
                     "rank_before", "rank_after", "score_before", "score_after", "eligible_before", "eligible_after",
                     "consultation_before", "consultation_after"]


def analyse_impact(cases: Iterable[PastCase | tuple], current: RulesLibrary | Rulebook, draft: Rulebook,
                   workers: int = 1, chunk_size: int = CHUNK_SIZE) -> ImpactReport:
    """Rank every case under the version in force on its date and under `draft`; compare."""
    start = time.perf_counter()
    library = current if isinstance(current, RulesLibrary) else RulesLibrary([current])
    items = _unique_ids([c if isinstance(c, PastCase) else PastCase(*c) for c in cases])
    chunks = [items[i:i + chunk_size] for i in range(0, len(items), chunk_size)]
    workers = max(1, min(workers, len(chunks)))
    rows: list[tuple] = []
    case_rows: list[tuple] = []
    errors: list[tuple[str, str]] = []
    if workers == 1:
        evaluator = _ChunkEvaluator(library, draft, compiled=library.compiled)
        for chunk in chunks:
            r, c, e = evaluator(chunk)
            rows += r
            case_rows += c
            errors += e
    else:
        method = _start_method()
        # A forked worker already has the cases (the parent's memory): it is sent only
        # where its chunk starts and ends, not 10,000 pickled cases.
        tasks = [(i, i + chunk_size) for i in range(0, len(items), chunk_size)] if method == "fork" else chunks
        with concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker,
                initargs=(library.versions, draft, items if method == "fork" else None)) as pool:
            for r, c, e in pool.map(_run_chunk, tasks, chunksize=2):
                rows += r
                case_rows += c
                errors += e
    report = _tables(rows, case_rows, errors, library, draft, len(items))
    report.summary.seconds = time.perf_counter() - start
    report.summary.workers = workers
    return report


def _start_method() -> str:
    """Fork (no start-up cost) when this process has a single thread; a thread holding the
    durable_rules lock at the fork would leave the child waiting for it forever."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _unique_ids(items: list[PastCase]) -> list[PastCase]:
    """Two cases with the same id get a suffix, so every table row names one case."""
    seen: dict[str, int] = {}
    out = []
    for past in items:
        n = seen[past.case_id] = seen.get(past.case_id, 0) + 1
        out.append(past if n == 1 else PastCase(f"{past.case_id} ({n})", past.data, past.as_of))
    return out


# -- ranking (in this process or a worker) ---------------------------------------------------

class _ChunkEvaluator:
    """Ranks chunks of cases under the version in force and the draft; compiled once per process."""

    def __init__(self, library: RulesLibrary, draft: Rulebook, compiled=None):
        self.library = library
        self.compiled = compiled or _own_compiler()
        # The draft is compiled apart: never into the library's cache of versions that serve rankings.
        self.draft = CompiledRules(draft)
        self.durable = isinstance(self.draft.evaluator, DurableRules)
        self.draft_vocabulary = _vocabulary_key(draft)
        self._same_vocabulary: dict[str, bool] = {}

    def same_vocabulary(self, book: Rulebook) -> bool:
        same = self._same_vocabulary.get(book.content_hash)
        if same is None:
            same = self._same_vocabulary[book.content_hash] = _vocabulary_key(book) == self.draft_vocabulary
        return same

    def __call__(self, chunk: Sequence[PastCase]) -> tuple[list[tuple], list[tuple], list[tuple[str, str]]]:
        errors: list[tuple[str, str]] = []
        groups: dict[str, list] = {}  # version in force -> [(past, case before, case after)]
        books: dict[str, Rulebook] = {}
        for past in chunk:
            try:
                book = self.library.in_force(past.as_of)
                compiled = self.compiled(book)
                before = validate_case(past.data, compiled.case_models)
                after = before if self.same_vocabulary(book) else validate_case(past.data, self.draft.case_models)
            except BoligtildelingError as exc:
                errors.append((past.case_id, str(exc)))
                continue
            books[book.content_hash] = book
            groups.setdefault(book.content_hash, []).append((past, before, after))
        rows: list[tuple] = []
        case_rows: list[tuple] = []
        for content_hash, members in groups.items():
            book = books[content_hash]
            compiled = self.compiled(book)
            facts_before = compiled.candidate_facts([(before, past.as_of) for past, before, _ in members])
            if self.same_vocabulary(book):
                facts_after = facts_before
            else:
                facts_after = self.draft.candidate_facts([(after, past.as_of) for past, _, after in members])
            # With the same facts, the draft reuses their encodings (DurableRules.match `memo`).
            memo: dict | None = {} if facts_after is facts_before and self.durable else None
            ranked_before = compiled.rank_facts(facts_before, memo)
            ranked_after = self.draft.rank_facts(facts_after, memo)
            for (past, before, _), old, new in zip(members, ranked_before, ranked_after):
                groups_of = {c["id"]: tuple(c.get("malgrupper", ())) for c in before["kandidater"]}
                new_by_id = {c["id"]: c for c in new}
                for o in old:
                    n = new_by_id[o["id"]]
                    rows.append((past.case_id, past.as_of, book.version, o["id"], o["welfare_office"],
                                 groups_of[o["id"]], o["rank"], n["rank"], o["score"], n["score"],
                                 o["eligible"], n["eligible"], o["needs_consultation"], n["needs_consultation"]))
                case_rows.append((past.case_id, past.as_of, book.version, len(old),
                                  " > ".join(c["id"] for c in old), " > ".join(c["id"] for c in new),
                                  _top(old), _top(new)))
        return rows, case_rows, errors


def _top(ordered: list[dict]) -> str:
    """The first candidate who can be allocated the home ("" when none can), as in the ranking itself."""
    return next((c["id"] for c in ordered if c["eligible"]), "")


def _own_compiler():
    cache: dict[str, CompiledRules] = {}

    def compiled(book: Rulebook) -> CompiledRules:
        found = cache.get(book.content_hash)
        if found is None:
            found = cache[book.content_hash] = CompiledRules(book)
        return found
    return compiled


def _vocabulary_key(book: Rulebook) -> dict:
    return book.vocabulary.model.model_dump(exclude={"versjon", "gjelder_fra", "beskrivelse"})


_worker: _ChunkEvaluator | None = None


_inherited: list[PastCase] | None = None


def _init_worker(versions: list[Rulebook], draft: Rulebook, inherited: list[PastCase] | None) -> None:
    global _worker, _inherited
    gc.disable()  # a short-lived worker that allocates many small objects and makes no cycles worth collecting
    _worker = _ChunkEvaluator(RulesLibrary(versions), draft)
    _inherited = inherited


def _run_chunk(task):
    """A chunk of cases, or (start, stop) in the cases a forked worker inherited."""
    assert _worker is not None
    if isinstance(task, tuple):
        assert _inherited is not None
        return _worker(_inherited[task[0]:task[1]])
    return _worker(task)


# -- tables ------------------------------------------------------------------------------------

def _tables(rows: list[tuple], case_rows: list[tuple], errors: list[tuple[str, str]], library: RulesLibrary,
            draft: Rulebook, total: int) -> ImpactReport:
    frame = pd.DataFrame.from_records(rows, columns=CANDIDATE_COLUMNS)
    frame["rank_change"] = frame["rank_before"] - frame["rank_after"]  # positive: moves up
    frame["score_delta"] = frame["score_after"] - frame["score_before"]
    frame["movement"] = "uendret"
    frame.loc[frame["rank_change"] > 0, "movement"] = "opp"
    frame.loc[frame["rank_change"] < 0, "movement"] = "ned"

    cases = _case_table(frame, pd.DataFrame.from_records(case_rows, columns=CASE_COLUMNS))
    frame = frame.merge(cases[["case_id", "top_before", "top_after", "order_changed", "top_changed"]],
                        on="case_id", how="left")
    frame["became_top"] = (frame["candidate_id"] == frame["top_after"]) & (frame["candidate_id"] != frame["top_before"])
    frame["lost_top"] = (frame["candidate_id"] == frame["top_before"]) & (frame["candidate_id"] != frame["top_after"])
    used = cases["version_before"].value_counts()
    summary = ImpactSummary(
        cases_total=total, cases_evaluated=len(cases), cases_order_changed=int(cases["order_changed"].sum()),
        cases_top_changed=int(cases["top_changed"].sum()), cases_failed=len(errors), candidates=len(frame),
        candidates_gained=int((frame["rank_change"] > 0).sum()), candidates_lost=int((frame["rank_change"] < 0).sum()),
        seconds=0.0, draft=draft.stamp(),
        versions_before=[{**book.stamp(), "cases": int(used[book.version])}
                         for book in library.versions if book.version in used.index])
    by_group = frame.assign(target_group=frame["target_groups"].map(lambda g: list(g) or [NO_GROUP]))
    by_group = by_group.explode("target_group")
    return ImpactReport(
        candidates=frame, cases=cases, by_target_group=_aggregate(by_group, "target_group"),
        by_office=_aggregate(frame.assign(welfare_office=frame["welfare_office"].fillna(NO_OFFICE)),
                             "welfare_office"),
        errors=pd.DataFrame.from_records(errors, columns=["case_id", "message"]), summary=summary)


CASE_COLUMNS = ["case_id", "as_of", "version_before", "candidates", "order_before", "order_after", "top_before",
                "top_after"]


def _case_table(frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    cases = cases.set_index("case_id")
    cases["gained"] = (frame["rank_change"] > 0).groupby(frame["case_id"]).sum()
    cases["lost"] = (frame["rank_change"] < 0).groupby(frame["case_id"]).sum()
    cases["max_score_delta"] = frame["score_delta"].abs().groupby(frame["case_id"]).max()
    cases = cases.astype({"gained": "int64", "lost": "int64", "max_score_delta": "int64"})
    cases["order_changed"] = cases["order_before"] != cases["order_after"]
    cases["top_changed"] = cases["top_before"] != cases["top_after"]
    movers = frame[frame["rank_change"] != 0]
    cases["who_gains"] = movers[movers["rank_change"] > 0].groupby("case_id")["candidate_id"].agg(", ".join)
    cases["who_loses"] = movers[movers["rank_change"] < 0].groupby("case_id")["candidate_id"].agg(", ".join)
    cases[["who_gains", "who_loses"]] = cases[["who_gains", "who_loses"]].fillna("")
    return cases.reset_index()


def _aggregate(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = frame.assign(gained=frame["rank_change"] > 0, lost=frame["rank_change"] < 0,
                         unchanged=frame["rank_change"] == 0)
    grouped = frame.groupby(key, sort=True)
    out = pd.DataFrame({
        "candidates": grouped.size(),
        "cases": grouped["case_id"].nunique(),
        "gained": grouped["gained"].sum(),
        "lost": grouped["lost"].sum(),
        "unchanged": grouped["unchanged"].sum(),
        "became_top": grouped["became_top"].sum(),
        "lost_top": grouped["lost_top"].sum(),
        "score_delta_sum": grouped["score_delta"].sum(),
        "score_delta_mean": grouped["score_delta"].mean().round(2),
        "rank_change_mean": grouped["rank_change"].mean().round(2),
    })
    return out.reset_index(names=key).astype({c: "int64" for c in
                                              ("candidates", "cases", "gained", "lost", "unchanged", "became_top",
                                               "lost_top", "score_delta_sum")})


def _percent(k: int, n: int) -> str:
    return _decimal(100 * k / n, 1) + " %"


def _decimal(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")
