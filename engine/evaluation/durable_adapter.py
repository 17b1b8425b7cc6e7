"""The one place that knows durable_rules: compile conditions, match facts.

Our condition language is the source of truth; durable_rules' JSON is a compile
target, so the evaluator stays replaceable. What we rely on and work around,
each with the tests that pin it, is in docs/durable_rules.md; in short:

- durable_rules has no `$not`: negation is pushed down to the comparisons
  (De Morgan), and "missing value" is spelled out with `$nex`, so a negated
  comparison is true when the field has no value, as the language promises
  (a key whose value is null would satisfy neither, so None is left out of facts).
- The C core has no locks: every call into it holds `_ENGINE_LOCK`.
- `Host` starts polling threads and round-trips the whole session state as JSON
  after every fired action. We drive the same engine module that `Host` wraps
  (`durable_rules_engine`: create_ruleset / assert_fact / start_action_for_state
  / complete_and_start_action / delete_state), which starts no threads and was
  about 4x faster per candidate in a one-off comparison (no benchmark in
  benchmarks/ compares the two; benchmarks/rank_benchmark.py measures this path).
  Actions are only "rule X matched fact Y"; we collect the names in a set (a rule
  with `$or` fires once per true branch).
- A registered ruleset cannot change: a new rules version compiles to a new
  ruleset under a fresh name; the old one is deleted when no one uses it.
- Every rule is guarded by `$ex` on a marker only our facts of its scope carry
  (its group's marker, below), so no rule can match the session's own state fact (which `Host` would re-assert
  after every action, looping) or a fact of the other scope.
- Deleting a session in which no action ever ran crashes the C core; each
  session therefore starts with a fact that fires a bookkeeping rule.
- A fact equal to one already in the session is refused (code 2) and fires
  nothing: `match` asserts each distinct fact once and numbers them (`_nr`).
- A comparison with another field (`{"$lt": {"a": {"$m": "b"}}}`) reads `b` from an
  earlier fact of the session when this fact has none: both sides carry `$ex`.
- A condition that expands past the core's limits is refused with a bare code
  (113); `_culprits` finds the rules it refuses. Numbers with an exponent
  (1e+16, 1e-05) cannot be read at all: engine/language/numbers.py keeps them out.
- A fact carries only the keys some condition reads (`FactShape`): a key no
  rule mentions cannot change any match, and building, encoding and parsing
  the unused fields (over a third of a candidate's keys under the shipped
  rules) was most of the cost outside the C core when it was measured with
  benchmarks/rank_benchmark.py --profile. Facts that come out identical within
  one call are asserted once and the result is shared (a projection of 5,000
  candidates as residents has a handful of distinct shapes); every distinct
  fact is still evaluated by durable_rules.
- Rules are guarded by the marker of their group (the rules that read the same
  keys), so many facts can be matched group by group on their projections, each
  distinct projection asserted once (`match`, docs/durable_rules.md 15).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from typing import Any, Iterable

import durable_rules_engine as _core

from engine.language.conditions import NEGATED_TWIN, AllOf, AnyOf, Comparison, FieldRef, Not
from engine.errors import Problem, RulesError

_ENGINE_LOCK = threading.Lock()
_names = itertools.count(1)
_sessions = itertools.count(1)

# The scopes every ruleset has. A vocabulary with lists (type liste) adds one scope per list,
# named by the list (`husstand`): each record of it is a fact of that scope (Vocabulary.scopes).
SCOPES = ("kandidat", "beboer")
# durable_rules frees a session's action buffers in delete_state, but only a fired
# action ever allocates them: deleting a session in which no rule fired aborts the
# process (free(): invalid pointer, or a segmentation fault). Every session therefore
# opens with a fact that fires this rule, whose id is never reported.
SESSION_MARKER = "_sesjon"
SESSION_RULE = "#sesjon"


# One encoder for every fact: json.dumps with options builds a new one per call (a third of its cost).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def fact_key(path: str) -> str:
    return path.replace(".", "__")


def _item_key(path: str, value: str) -> str:
    return f"{fact_key(path)}___{value}"


def _missing(key: str) -> dict:
    return {"$nex": {key: 1}}


class _Compiler:
    """Condition model -> durable_rules JSON, with negation pushed to the leaves."""

    def __init__(self, values_of):
        self.values_of = values_of  # path -> allowed values (for har_felles_med)
        self.paths: dict[str, None] = {}  # the dotted paths the conditions compiled so far read, in order
        self.keys: set[str] = set()  # the durable fact keys they read
        self.rule_keys: set[str] = set()  # the keys the condition being compiled reads

    def _uses(self, path: str, *keys: str) -> None:
        self.paths.setdefault(path)
        self.keys.update(keys)
        self.rule_keys.update(keys)

    def compile_rule(self, cond) -> tuple[dict, frozenset[str]]:
        """One rule's condition, and the fact keys it reads (nothing else can change whether it holds)."""
        self.rule_keys = set()
        return self.compile(cond), frozenset(self.rule_keys)

    def compile(self, cond, negate: bool = False) -> dict:
        if isinstance(cond, AllOf):
            parts = [self.compile(p, negate) for p in cond.alle]
            return _join("$or" if negate else "$and", parts)
        if isinstance(cond, AnyOf):
            parts = [self.compile(p, negate) for p in cond.noen]
            return _join("$and" if negate else "$or", parts)
        if isinstance(cond, Not):
            return self.compile(cond.ikke, not negate)
        return self._comparison(cond, negate)

    def _comparison(self, c: Comparison, negate: bool) -> dict:
        op, value = c.operator, c.value
        key = fact_key(c.felt)
        if op not in ("inneholder", "har_felles_med"):
            self._uses(c.felt, key)
        if op in ("er_ikke", "ikke_en_av", "inneholder_ikke"):
            twin = NEGATED_TWIN[op]
            return self._comparison(Comparison(felt=c.felt, **{twin: value}), not negate)
        if op == "finnes":
            present = bool(value) != negate
            return {"$ex": {key: 1}} if present else _missing(key)
        if isinstance(value, FieldRef):
            return self._two_values(key, op, fact_key(value.felt), value.felt, negate)
        if op == "er":
            if negate:
                return {"$or": [_missing(key), {"$neq": {key: value}}]}
            return {key: value}
        if op == "en_av":
            if negate:
                return {"$or": [_missing(key), _join("$and", [{"$neq": {key: v}} for v in value])]}
            return _join("$or", [{key: v} for v in value])
        if op in ("over", "minst", "under", "hoyst"):
            if isinstance(value, dt.date):
                value = value.isoformat()  # facts hold dates as ISO text, which sorts as the dates do
            positive = {"over": "$gt", "minst": "$gte", "under": "$lt", "hoyst": "$lte"}[op]
            negative = {"over": "$lte", "minst": "$lt", "under": "$gte", "hoyst": "$gt"}[op]
            if negate:
                return {"$or": [_missing(key), {negative: {key: value}}]}
            return {positive: {key: value}}
        if op == "inneholder":
            item = _item_key(c.felt, value)
            self._uses(c.felt, item)
            return _missing(item) if negate else {item: True}
        if op == "har_felles_med":
            shared = [v for v in (self.values_of(c.felt) or {}) if v in (self.values_of(value) or {})]
            if not shared:
                return {"$ex": {"_aldri": 1}} if not negate else {"$nex": {"_aldri": 1}}
            pairs = [(_item_key(c.felt, v), _item_key(value, v)) for v in shared]
            self._uses(c.felt, *(a for a, _ in pairs))
            self._uses(value, *(b for _, b in pairs))
            if negate:
                return _join("$and", [{"$or": [_missing(a), _missing(b)]} for a, b in pairs])
            return _join("$or", [{"$and": [{a: True}, {b: True}]} for a, b in pairs])
        raise AssertionError(f"ukjent operator {op}")


    def _two_values(self, key: str, op: str, other_key: str, other_path: str, negate: bool) -> dict:
        """A comparison with another field of the same fact: durable_rules' `{"$m": key}` reference.

        Both sides are guarded with `$ex`: without it, a fact that lacks the right-hand
        key is compared with the value an earlier fact of the same session had for it
        (docs/durable_rules.md; pinned by tests/unit/test_computed_values.py and the
        equivalence tests). The negation spells both missing cases out, as for a
        comparison with a constant.
        """
        self._uses(other_path, other_key)
        positive = {"er": "$eq", "over": "$gt", "minst": "$gte", "under": "$lt", "hoyst": "$lte"}[op]
        negative = {"er": "$neq", "over": "$lte", "minst": "$lt", "under": "$gte", "hoyst": "$gt"}[op]
        ref = {"$m": other_key}
        both = [{"$ex": {key: 1}}, {"$ex": {other_key: 1}}]
        if negate:
            return {"$or": [_missing(key), _missing(other_key), {"$and": both + [{negative: {key: ref}}]}]}
        return {"$and": both + [{key: ref} if positive == "$eq" else {positive: {key: ref}}]}


def _join(op: str, parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {op: parts}


def _asserted(text: str, markers: str, number: int, sid: str) -> str:
    """A fact as JSON (`text`) with its markers (`,"m":1` each), its number and its session.

    `_nr` keeps distinct facts apart for durable_rules, which refuses a repeat in a session.
    """
    inner = text[1:-1]
    return f'{{{inner}{"," if inner else ""}{markers.lstrip(",")}{"," if markers else ""}"_nr":{number},"sid":"{sid}"}}'


class _Group:
    """Rules of one scope that read the same fact keys, or some of them: they are matched on that projection."""

    __slots__ = ("marker", "keys", "rule_ids")

    def __init__(self, marker: str, keys: frozenset[str], rule_ids: list[str]):
        self.marker = marker
        self.keys = tuple(sorted(keys))
        self.rule_ids = rule_ids


#: At most this many groups per scope: well below durable_rules' 64 tests a fact may pass side by side.
MAX_GROUPS = 32


def _groups(scope: str, rule_keys: dict[str, frozenset[str]]) -> list[_Group]:
    """Rules grouped by the keys they read; a rule whose keys another group's cover joins that group.

    Fewer groups cost less per fact, and a projection onto more keys tells no fewer
    facts apart, so the rule's answer is the same on either projection.
    """
    by_keys: dict[frozenset[str], list[str]] = {}
    for rule_id, keys in rule_keys.items():
        by_keys.setdefault(keys, []).append(rule_id)
    kept: list[tuple[frozenset[str], list[str]]] = []
    for keys in sorted(by_keys, key=lambda k: (-len(k), sorted(k))):
        for covering, members in kept:
            if keys <= covering:
                members += by_keys[keys]
                break
        else:
            kept.append((keys, list(by_keys[keys])))
    # A whole fact carries every group's marker, and durable_rules refuses a fact that passes more
    # than 64 tests side by side (code 303; docs/durable_rules.md 15): past MAX_GROUPS, the two
    # groups whose keys together are fewest are merged (a projection onto more keys is still right).
    while len(kept) > MAX_GROUPS:
        i, j = min(((i, j) for i in range(len(kept)) for j in range(i + 1, len(kept))),
                   key=lambda pair: (len(kept[pair[0]][0] | kept[pair[1]][0]), pair))
        (keys_i, members_i), (keys_j, members_j) = kept[i], kept[j]
        kept[i] = (keys_i | keys_j, members_i + members_j)
        del kept[j]
    return [_Group(f"_{scope}_{n}", keys, members) for n, (keys, members) in enumerate(kept)]


def flatten(values: dict[str, Any]) -> dict[str, Any]:
    """Fact values by dotted path -> durable fact; lists become one flag per item."""
    fact: dict[str, Any] = {}
    for path, value in values.items():
        if value is None:
            continue
        key = fact_key(path)
        if isinstance(value, list):
            fact[key] = len(value)
            for item in value:
                fact[_item_key(path, item)] = True
        elif isinstance(value, dict):
            continue
        else:
            fact[key] = value
    return fact


_SCALARS = frozenset({str, int, float, bool})


class FactShape:
    """`flatten`, restricted to the keys the compiled conditions read.

    Gives exactly the entries of `flatten(values)` whose key is in `keys`
    (a list's length under its own key, one flag per listed item), without
    visiting the fields no rule mentions.
    """

    def __init__(self, paths: Iterable[str], keys: set[str]):
        self.keys = frozenset(keys)
        self.fields = [(path, fact_key(path), fact_key(path) in self.keys) for path in paths]
        self._signature = (tuple(self.fields), self.keys)

    # Two shapes that read the same keys give the same fact: equal, so an encoding can be reused.
    def __eq__(self, other):
        return isinstance(other, FactShape) and self._signature == other._signature

    def __hash__(self):
        return hash(self._signature)

    def __call__(self, values: dict[str, Any]) -> dict[str, Any]:
        fact: dict[str, Any] = {}
        keys = self.keys
        get = values.get
        for path, key, key_read in self.fields:
            value = get(path)
            if value is None:
                continue
            if type(value) in _SCALARS:  # the common case, without the isinstance checks below
                fact[key] = value
                continue
            if isinstance(value, dict):
                continue
            if isinstance(value, list):
                if key_read:
                    fact[key] = len(value)
                for item in value:
                    item_key = f"{key}___{item}"
                    if item_key in keys:
                        fact[item_key] = True
            else:
                fact[key] = value
        return fact


class DurableRules:
    """A compiled ruleset: `match` tells, for each fact, which rules hold.

    `rules` maps rule id -> (scope, condition); scope is "kandidat", "beboer" or the
    name of one of the candidate's lists (`husstand`), and decides which facts the rule
    can see. The scopes are `scopes` when given (the vocabulary's, `Vocabulary.scopes`;
    a rule of another scope is refused), else `SCOPES` and whatever scope a rule names.
    """

    def __init__(self, rules: dict[str, tuple[str, Any]], values_of, scopes: Iterable[str] | None = None):
        named = tuple(dict.fromkeys(scope for scope, _ in rules.values()))
        if scopes is None:
            scopes = tuple(dict.fromkeys((*SCOPES, *named)))
        else:
            scopes = tuple(scopes)
            unknown = [scope for scope in named if scope not in scopes]
            if unknown:
                raise ValueError(f"regler i ukjent omfang: {', '.join(unknown)} (kjente: {', '.join(scopes)})")
        self.scopes = scopes
        compilers = {scope: _Compiler(values_of) for scope in scopes}  # one per scope: what its facts need
        compiled = {rule_id: (scope, *compilers[scope].compile_rule(condition))
                    for rule_id, (scope, condition) in rules.items()}
        self.groups = {scope: _groups(scope, {rule_id: keys for rule_id, (s, _, keys) in compiled.items()
                                              if s == scope}) for scope in scopes}
        marker_of = {rule_id: group.marker for groups in self.groups.values() for group in groups
                     for rule_id in group.rule_ids}
        definition = {SESSION_RULE: {"all": [{"m": {"$ex": {SESSION_MARKER: 1}}}]}}
        for rule_id, (_, condition, _) in compiled.items():
            guard = {"$ex": {marker_of[rule_id]: 1}}
            definition[rule_id] = {"all": [{"m": {"$and": [guard, condition]}}]}
        self.definition = definition
        # A fact of one scope can only match that scope's rules (the guard), so it
        # carries only the keys those rules read.
        self.shapes = {scope: FactShape(c.paths, c.keys) for scope, c in compilers.items()}
        # A whole fact carries every marker of its scope: every rule of the scope sees it.
        self._whole_markers = {scope: "".join(f',"{g.marker}":1' for g in groups)
                               for scope, groups in self.groups.items()}
        self.name = f"boligtildeling_{next(_names)}"
        text = json.dumps(definition, ensure_ascii=False)
        with _ENGINE_LOCK:
            try:
                self._handle = _core.create_ruleset(self.name, text)
            except _core.error as exc:
                self._handle = None
                raise RulesError(self._culprits(definition, exc)) from None

    @staticmethod
    def _culprits(definition: dict, exc: Exception) -> list[Problem]:
        """Which rules the engine refuses (it says only a number, e.g. 113 when a condition
        expands past its limits): try each rule alone. Called with the lock held."""
        problems = []
        for rule_id, rule in definition.items():
            name = f"boligtildeling_proeve_{next(_names)}"
            try:
                handle = _core.create_ruleset(name, json.dumps({rule_id: rule}, ensure_ascii=False))
            except _core.error:  # a bare number (113: past the core's limits) says nothing to policy staff
                problems.append(Problem(path="betingelse", rule_id=rule_id, message=(
                    "regelmotoren kan ikke bruke betingelsen: den er for sammensatt (for mange ledd med "
                    "'alle' eller 'noen', også dem 'har_felles_med' og 'ikke' gir); `rules check` viser hva "
                    "hver del koster; del regelen i flere regler med færre deler hver")))
            else:
                _core.delete_ruleset(handle)
        return problems or [Problem(path="", message="regelmotoren avviste regelsettet uten å si hvilken regel; "
                                                      "kjør `rules check` for å finne den")]

    def match(self, scope: str, facts: Iterable[dict[str, Any]], memo: dict | None = None,
              grouped: bool | None = None) -> list[set[str]]:
        """For each fact (values by dotted path), the ids of the rules whose condition holds.

        Two ways to the same answer, both evaluated by durable_rules:

        - whole facts: each distinct fact is asserted once, carrying every marker of
          its scope, and each position gets a copy of its set;
        - by group (`_Group`): each group of rules sees only the keys its rules read,
          and each distinct projection is asserted once. Over a waiting list of 5,000
          applicants the shipped rules' 24 groups see about 200 distinct projections
          instead of 5,000 facts (benchmarks/screening_benchmark.py).

        `grouped=None` takes whichever asserts fewer facts; the tests force each way.
        `memo` (optional, any dict the caller keeps) remembers each fact's shape
        by the identity of its values dict, for another ruleset with the same fact
        shape: the impact analysis matches the same, unchanged values under two
        versions. The caller keeps the values alive and unchanged while the memo lives.
        """
        shape = self.shapes[scope]
        groups = self.groups[scope]
        if memo is None:
            built = [shape(values) for values in facts]
        else:
            cache = memo.setdefault(shape, {})
            built = []
            for values in facts:
                fact = cache.get(id(values))
                if fact is None:
                    fact = cache[id(values)] = shape(values)
                built.append(fact)
        if grouped is None and len(built) <= len(groups):
            grouped = False  # every group sees at least one projection: never fewer facts than the whole ones
        columns, tables = [], []
        if grouped is not False:
            distinct = 0
            for group in groups:
                table: dict[tuple, int] = {}
                # Equal projections share one assert: Python's == holds 1 == 1.0 == True, as durable_rules
                # does (docs/durable_rules.md 15; pinned in tests/unit/test_durable_grouping.py).
                columns.append([table.setdefault(tuple(map(fact.get, group.keys)), len(table)) for fact in built])
                tables.append(table)
                distinct += len(table)
            if grouped is None:
                grouped = distinct < len(built)
        sid = f"s{next(_sessions)}"
        numbered = itertools.count()
        if not grouped:
            suffix = self._whole_markers[scope]
            wholes: dict[str, str] = {}  # fact as JSON -> as asserted
            positions = []
            for fact in built:
                text = _encode(fact)
                if text not in wholes:
                    wholes[text] = _asserted(text, suffix, next(numbered), sid)
                positions.append(text)
            fired_by_text: dict[str, set[str]] = {text: set() for text in wholes}
            self._session(sid, [(asserted, fired_by_text[text]) for text, asserted in wholes.items()])
            return [set(fired_by_text[text]) for text in positions]
        per_group = []
        work = []
        for group, table in zip(groups, tables):
            fired = [set() for _ in table]
            suffix = f',"{group.marker}":1'
            for projection, slot in table.items():
                text = _encode({k: v for k, v in zip(group.keys, projection) if v is not None})
                work.append((_asserted(text, suffix, next(numbered), sid), fired[slot]))
            per_group.append(fired)
        self._session(sid, work)
        out = [set() for _ in built]
        for column, fired in zip(columns, per_group):
            if not any(fired):
                continue
            for matched, slot in zip(out, column):
                hit = fired[slot]
                if hit:
                    matched |= hit
        return out

    def _session(self, sid: str, work: list[tuple[str, set[str]]]) -> None:
        """Assert each (fact text, set to fill) in one session, which is deleted afterwards.

        The bookkeeping fact (SESSION_MARKER) is asserted only if no action ran, just
        before the delete: a session in which none did would crash the core there
        (docs/durable_rules.md 4), and most sessions fire a rule anyway (two asserts of
        a rank request's twelve). If even that assert fails, the session is left open
        rather than deleted: a slot of 1,024 lost (entry 13) instead of the process.
        """
        with _ENGINE_LOCK:
            if self._handle is None:
                raise RuntimeError("regelsettet er lukket")
            ran = False
            try:
                for text, fired in work:
                    ran = self._assert(text, fired) or ran
            finally:
                if not ran:
                    ran = self._assert(json.dumps({SESSION_MARKER: 1, "sid": sid}), set())
                if ran:
                    _core.delete_state(self._handle, sid)

    def _assert(self, text: str, fired: set[str]) -> bool:
        """Assert one fact and run its actions (True if any ran); each action message names one rule.

        Facts are asserted one at a time and every rule matches a single fact,
        so all actions that follow belong to this fact. The message is
        `{"<rule id>": {"m": <fact>}}`; rule ids never contain a quote (they are
        [a-z0-9_] or our own `#antall:<field name>`), so the id is read from the
        front of the text instead of decoding the whole fact again (a third of
        the matching time at 5,000 candidates, benchmarks/rank_benchmark.py).
        """
        result = _core.assert_fact(self._handle, text)
        if result[0] != 0:  # 1: no rule matched; no points is a valid outcome
            return False
        state = result[1]
        action = _core.start_action_for_state(self._handle, state)
        message = action[1] if action else None
        ran = message is not None
        while message:
            rule_id = message[2:message.index('"', 2)]
            if rule_id != SESSION_RULE:
                fired.add(rule_id)
            message = _core.complete_and_start_action(self._handle, state)
        return ran

    def close(self) -> None:
        with _ENGINE_LOCK:
            if self._handle is not None:
                _core.delete_ruleset(self._handle)
                self._handle = None

    def __del__(self):  # the last request using an old rules version has finished
        try:
            self.close()
        except Exception:
            pass
