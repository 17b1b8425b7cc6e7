"""Lists (lister): household members, earlier offers, the home's rooms, earlier allocations ... each record a fact of its own.

Real allocation policies count who lives in the household and look back at earlier
offers ("two refusals within 12 months"); a single number the caseworker fills in
hides who was counted and why. A list field (`type: liste` under `kandidat:`, or under the
home: `ledig_bolig`, `bolig`, `botiltak`) carries the records themselves, and computed values
aggregate them; a quota over many allocations counts the records of the allocations made
before (`ledig_bolig.<liste>` with `fra_vedtak`, filled by the service):

- `antall` with `blant: kandidat.<liste>` (or `bolig.<liste>` ...): how many records meet `hvor`;
- `nyeste`: the latest (or, with `nummer: n`, the n-th latest) date among the records
  that meet `hvor` (`eldste`: the earliest, the n-th earliest: the day the n-th came), dates
  after the assessment date left out (on that date the record
  did not exist yet, and an old case ranked again must see what was known then); with
  `innen_maneder`/`innen_dager` the latest (first) day n records lay within that window;
- `sum`: the sum of a number field over the records that meet `hvor` (a matching record
  without the value leaves the sum without one, as a formula with a missing input);
- `soverom`: the bedroom need (soverombehov), the fewest rooms such that each room holds
  one member or two members whom one sharing rule (`deler`) lets share;
- `sammenhengende`: the first day of the unbroken run of periods (records with a start and
  an end date) that meet `hvor` and reach the assessment date: "lived in the borough
  continuously since";
- `samlet_tid`: the days such periods cover within the last months or years: "5 of the last 7 years".

Each record is a fact of the scope named by its list (`husstand.fodt`, `husstand.alder`),
like residents are facts of scope `beboer`; every condition (`hvor`, and `begge` of a
sharing rule) is a rule of that scope matched by durable_rules (`#antall:<navn>`,
`#nyeste:<navn>`, `#sum:<navn>`, `#deler:<navn>:<i>`, `#sammenhengende:<navn>`). Python only
adds up what matched: a count, a maximum, a sum, the pairing of the bedroom need (a maximum
matching over the pairs the rules allow) and the joining of periods into runs, which need no
condition of their own.

A list the case does not give is "ikke oppgitt": every aggregate over it has no value,
so a comparison with it is false, as for any missing field. An empty list is given:
counts are 0, the bedroom need is 0, `nyeste` has no value.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from typing import Any

from engine.evaluation.durations import add_durations, add_months, whole_months, windowed_date
from engine.language.conditions import outer_fields
from engine.language.vocabulary import BETWEEN, DERIVED, DURATIONS, Vocabulary

RECORDS_KEY = "#poster"  # in a candidate's values: {list name: [record values]} for the lists the case gives
AS_OF_KEY = "#vurderingsdato"  # in a candidate's values: the assessment date (ISO; ComputedValues.before_counts)
COUNT_PREFIX = "#antall:"  # counts over residents and over records alike (a computed value's name is unique);
# cannot clash with a policy rule id (ids are [a-z0-9_])
LATEST_PREFIX = "#nyeste:"
SUM_PREFIX = "#sum:"
SHARE_PREFIX = "#deler:"
RUN_PREFIX = "#sammenhengende:"
TOTAL_PREFIX = "#samlet_tid:"
ROOM_PREFIX = "#soverom:"  # who needs a room at all (`hvor` of a bedroom need)


def fewest_rooms(members: int, may_share) -> int:
    """Rooms for `members` people, two to a room where `may_share(i, j)` allows it, else one each.

    The fewest rooms is the members less the most pairs that can be formed with nobody
    in two pairs (a maximum matching). A household is small, so every choice is tried,
    remembering what is left; the answer does not depend on the order of the list.
    """
    partners = [frozenset(j for j in range(members) if j != i and may_share(i, j)) for i in range(members)]

    @functools.lru_cache(maxsize=None)
    def most_pairs(left: frozenset) -> int:
        if len(left) < 2:
            return 0
        first = min(left)
        rest = left - {first}
        best = most_pairs(rest)  # `first` sleeps alone
        for other in partners[first] & rest:
            best = max(best, 1 + most_pairs(rest - {other}))
        return best

    return members - most_pairs(frozenset(range(members)))


class Records:
    """What a vocabulary computes over the candidate's lists, prepared once per rules version."""

    def __init__(self, vocabulary: Vocabulary):
        self.lists = {}
        for name, spec in vocabulary.lists.items():
            derived = spec.beregnet or {}
            durations = [(f"{name}.{d}", how.kind, how.date_field) for d, how in derived.items() if how.kind in DURATIONS]
            spans = [(f"{name}.{d}", how.kind, getattr(how, how.kind).fra, getattr(how, how.kind).til)
                     for d, how in derived.items() if how.kind in BETWEEN]
            self.lists[name] = (durations, spans)
        self.counts, self.latest, self.sums, self.bedrooms, self.runs, self.totals = [], [], [], [], [], []
        self._rules: dict[str, tuple[str, Any]] = {}
        for name, d in vocabulary.model.beregnet.items():
            path = f"{DERIVED}.{name}"
            if d.antall is not None and d.antall.over_list in self.lists:
                rule = COUNT_PREFIX + name if d.antall.hvor is not None else None  # without hvor: every record
                self.counts.append((path, d.antall.over_list, rule))
                if rule:
                    self._rules[rule] = (d.antall.over_list, d.antall.hvor)
            elif (d.nyeste or d.eldste) is not None and (d.nyeste or d.eldste).over_list in self.lists:
                spec, newest = (d.nyeste, True) if d.nyeste is not None else (d.eldste, False)
                rule = LATEST_PREFIX + name if spec.hvor is not None else None
                self.latest.append((path, spec.over_list, rule, spec.felt, spec.nummer, newest, spec.window))
                if rule:
                    self._rules[rule] = (spec.over_list, spec.hvor)
            elif d.sum is not None and d.sum.over_list in self.lists:
                rule = SUM_PREFIX + name if d.sum.hvor is not None else None
                self.sums.append((path, d.sum.over_list, rule, d.sum.felt))
                if rule:
                    self._rules[rule] = (d.sum.over_list, d.sum.hvor)
            elif d.soverom is not None and d.soverom.over_list in self.lists:
                sharing = []
                for i, share in enumerate(d.soverom.deler):
                    rule = f"{SHARE_PREFIX}{name}:{i}" if share.begge is not None else None
                    if rule:
                        self._rules[rule] = (d.soverom.over_list, share.begge)
                    sharing.append((rule, tuple(share.samme), share.forskjell))
                counted = ROOM_PREFIX + name if d.soverom.hvor is not None else None
                if counted:
                    self._rules[counted] = (d.soverom.over_list, d.soverom.hvor)
                self.bedrooms.append((path, d.soverom.over_list, counted, sharing))
            elif d.sammenhengende is not None and d.sammenhengende.over_list in self.lists:
                run = d.sammenhengende
                rule = RUN_PREFIX + name if run.hvor is not None else None
                if rule:
                    self._rules[rule] = (run.over_list, run.hvor)
                self.runs.append((path, run.over_list, rule, run.fra, run.til, run.opphold_dager))
            elif d.samlet_tid is not None and d.samlet_tid.over_list in self.lists:
                total = d.samlet_tid
                rule = TOTAL_PREFIX + name if total.hvor is not None else None
                if rule:
                    self._rules[rule] = (total.over_list, total.hvor)
                self.totals.append((path, total.over_list, rule, total.fra, total.til, total.months,
                                    total.regnet_i))
        self.used = sorted({entry[1] for entry in (*self.counts, *self.latest, *self.sums, *self.bedrooms,
                                                   *self.runs, *self.totals)})
        # The fields of the home or the candidate a record is compared with ({felt: tildelinger.delomrade,
        # er: {felt: ledig_bolig.delomrade}}): copied into each record, so durable_rules compares two keys
        # of one fact. rules check allows only fields of the case itself (conditions.outer_field_problem).
        self.outer: dict[str, list[str]] = {}
        for rule_id, (scope, condition) in self._rules.items():
            for path in outer_fields(condition, vocabulary, scope):
                self.outer.setdefault(scope, [])
                if path not in self.outer[scope]:
                    self.outer[scope].append(path)
        self.paths = {name: vocabulary.list_path(name) for name in self.lists}

    def rules(self) -> dict[str, tuple[str, Any]]:
        """The conditions over records, by rule id: (the list's scope, condition)."""
        return dict(self._rules)

    def prepare(self, candidates: list[dict[str, Any]], as_of: dt.date) -> None:
        """Each list the case gives as record facts, with the list's per-record durations at `as_of`.

        A list of the home (`bolig.rom`, `ledig_bolig.tildelinger`) is the same object in every
        candidate's values of one case (facts.candidate_values copies the home's values shallowly),
        so its records are built once per case and shared, not once per candidate.
        """
        if not self.used:
            return
        built: dict[int, list] = {}
        for values in candidates:
            own = {}
            for name in self.used:
                raw = values.get(self.paths[name])
                if raw is None:
                    continue
                records = built.get(id(raw))
                if records is None:
                    durations, spans = self.lists[name]
                    # A home list is built once per case, so the home's values it is compared with are the
                    # same for every candidate; a candidate's list takes its own candidate's.
                    outer = {path: values[path] for path in self.outer.get(name, ()) if values.get(path) is not None}
                    records = []
                    for item in raw:
                        record = {f"{name}.{key}": value for key, value in item.items()}
                        add_durations(record, as_of, durations, spans)
                        record.update(outer)
                        records.append(record)
                    built[id(raw)] = records
                own[name] = records
            values[RECORDS_KEY] = own

    def add(self, evaluator, per_case: list[list[dict[str, Any]]]) -> None:
        """The aggregates over each candidate's records, one `match` per list over every case's records.

        Candidates that share one list (the home's) share its facts and its aggregates: they are
        matched and added up once, then copied to each of them.
        """
        if not self.used:
            return
        candidates = [values for case in per_case for values in case]
        for name in self.used:
            groups: dict[tuple, tuple[list, list]] = {}  # (list identity, assessment day) -> (records, owners)
            for values in candidates:
                records = values.get(RECORDS_KEY, {}).get(name)
                if records is None:
                    continue  # the list is not given: "ikke oppgitt"
                key = (id(records), values[AS_OF_KEY])
                groups.setdefault(key, (records, []))[1].append(values)
            facts = [record for records, _ in groups.values() for record in records]
            in_scope = any(scope == name for scope, _ in self._rules.values())
            matched = evaluator.match(name, facts) if facts and in_scope else [set() for _ in facts]
            at = 0
            for (_, day), (records, owners) in groups.items():
                fired = matched[at:at + len(records)]
                at += len(records)
                found = self._aggregate(name, day, list(zip(records, fired)), owners[0])
                for values in owners:
                    values.update(found)

    def _aggregate(self, name: str, day: str, records: list[tuple[dict, set]], owner: dict) -> dict[str, Any]:
        """The computed values over one list's records, on assessment day `day` (ISO); `owner` is the values of
        one candidate they belong to, for the parameters in force that day (the same for every owner)."""
        out: dict[str, Any] = {}
        for path, over, rule in self.counts:
            if over == name:
                out[path] = sum(1 for _, fired in records if rule is None or rule in fired)
        for path, over, rule, field, nummer, newest, window in self.latest:
            if over != name:
                continue
            if not isinstance(nummer, int):
                nummer = owner.get(nummer.felt)  # a parameter: rules check allows only whole numbers 1-20
                if not isinstance(nummer, int):
                    continue  # no value in force on the day: the n-th cannot be told, "ikke oppgitt"
            dates = sorted((record[field] for record, fired in records
                            if (rule is None or rule in fired) and record.get(field) is not None
                            and record[field] <= day), reverse=newest)  # ISO dates sort as dates
            if window is not None:
                found = windowed_date(dates, nummer, window, newest)
                if found is not None:
                    out[path] = found
            elif len(dates) >= nummer:
                out[path] = dates[nummer - 1]
        for path, over, rule, field in self.sums:
            if over != name:
                continue
            counted = [record.get(field) for record, fired in records if rule is None or rule in fired]
            if all(value is not None for value in counted):  # a matching record without the value: no sum
                out[path] = sum(counted)
        for path, over, counted, sharing in self.bedrooms:
            if over == name:
                members = [(record, fired) for record, fired in records if counted is None or counted in fired]
                out[path] = fewest_rooms(len(members), _may_share(members, sharing))
        for path, over, rule, start, end, gap in self.runs:
            periods = _periods(records, rule, start, end) if over == name else None
            if periods is not None:
                found = continuous_since(periods, day, gap)
                if found is not None:
                    out[path] = found
        for path, over, rule, start, end, months, unit in self.totals:
            periods = _periods(records, rule, start, end) if over == name else None
            if periods is not None:
                days = days_within(periods, day, months)
                out[path] = days if unit == "dager" else as_whole_months(days, day, months)
        return out


def _periods(records: list[tuple[dict, set]], rule: str | None, start: str, end: str) -> list | None:
    """(first day, last day) of the records that match `rule` (all without one); None when a matching period has
    no first day, for then where it stood cannot be known ("ikke oppgitt")."""
    periods = [(record.get(start), record.get(end)) for record, fired in records if rule is None or rule in fired]
    return periods if all(first is not None for first, _ in periods) else None


def days_within(periods: list[tuple[str, str | None]], day: str, months: int) -> int:
    """The days lived in the last `months` months before `day` (ISO): the days from the same date `months`
    back up to the day before `day` that at least one period covers. A period runs from its start to its
    end, both days lived; one without an end runs to the day before `day`."""
    last = dt.date.fromisoformat(day)  # not counted: the assessment day has not been lived yet
    first = add_months(last, -months)
    spans = []
    for start, end in periods:
        begin = max(dt.date.fromisoformat(start), first)
        stop = min(dt.date.fromisoformat(end) + dt.timedelta(days=1), last) if end is not None else last
        if begin < stop:
            spans.append((begin, stop))  # the days begin <= d < stop
    covered, reached = 0, first
    for begin, stop in sorted(spans):
        begin = max(begin, reached)
        if begin < stop:
            covered += (stop - begin).days
            reached = stop
    return covered


def as_whole_months(days: int, day: str, months: int) -> int:
    """`days` lived as whole months: the most m (at most `months`) whose days before `day` are no more than them,
    so a single period since the same date m months back is m months, as `maneder_siden` says."""
    return bisect.bisect_right(_days_in_last_months(day, months), days) - 1


@functools.lru_cache(maxsize=256)
def _days_in_last_months(day: str, months: int) -> tuple[int, ...]:
    """The days in the last 0, 1, ... `months` months before `day`: the same for every candidate of a case, so
    reckoned once per assessment day (5,000 candidates under Camden took twice as long reckoning it each time)."""
    last = dt.date.fromisoformat(day)
    return tuple((last - add_months(last, -m)).days for m in range(months + 1))


def continuous_since(periods: list[tuple[str, str | None]], day: str, gap_days: int = 0) -> str | None:
    """The first day (ISO) of the run of periods that reaches `day`, or None when none does.

    Periods are (first day, last day or None while it lasts), ISO dates, in any order. Sorted
    by their first day, a period joins the run before it when it begins at most `gap_days`
    after the day after the run's last day; a run with an open period never ends. Runs are
    then disjoint and ordered, so only the last can reach `day`. A period beginning after
    `day` did not exist on it; one ending before it began is no time at all.
    """
    spans = sorted(((dt.date.fromisoformat(first), None if last is None else dt.date.fromisoformat(last))
                    for first, last in periods if first <= day and (last is None or last >= first)),
                   key=lambda span: span[0])
    allowed = dt.timedelta(days=gap_days + 1)
    run_first = run_last = None
    for first, last in spans:
        if run_first is not None and (run_last is None or first <= run_last + allowed):
            if run_last is not None:
                run_last = None if last is None else max(run_last, last)
            continue
        run_first, run_last = first, last
    if run_first is None or (run_last is not None and run_last.isoformat() < day):
        return None
    return run_first.isoformat()


def _may_share(records: list[tuple[dict, set]], sharing: list[tuple[str | None, tuple[str, ...], Any]]):
    """Whether members i and j may share a room under at least one sharing rule."""
    def allowed(i: int, j: int) -> bool:
        (a, fired_a), (b, fired_b) = records[i], records[j]
        for rule, same, apart in sharing:
            if rule is not None and not (rule in fired_a and rule in fired_b):
                continue
            if not all(a.get(p) is not None and a.get(p) == b.get(p) for p in same):
                continue
            if apart is None or _close_enough(apart, a.get(apart.felt), b.get(apart.felt)):
                return True
        return False

    return allowed


def pair_difference(first: Any, second: Any) -> float | None:
    """How far apart two values are: numbers by their difference, ISO dates in whole years
    (the earlier to the later); None when one is missing (then the two do not share)."""
    if first is None or second is None:
        return None
    if isinstance(first, str):
        early, late = sorted((dt.date.fromisoformat(first), dt.date.fromisoformat(second)))
        return whole_months(early, late) // 12
    return abs(first - second)


def _close_enough(apart, first: Any, second: Any) -> bool:
    difference = pair_difference(first, second)
    return difference is not None and apart.allows(difference)
