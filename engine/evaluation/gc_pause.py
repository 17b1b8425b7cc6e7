"""Pausing Python's cyclic garbage collector during a large evaluation, where the process is ours.

Ranking thousands of candidates (or re-ranking thousands of past cases) builds
many short-lived dicts that hold no reference cycles; the cyclic collector
walks all live objects again and again meanwhile (benchmarks/rank_benchmark.py
measures what the pause saves). Reference counting still frees everything; the
collector only runs later.

The collector is one switch for the whole process, so a pause inside one
request of a threaded web server pauses it for every other request too, and
for as long as overlapping pauses last. That is why the engine never pauses on
its own: `CompiledRules.rank_valid` and `analyse_impact` run with the collector
as the caller left it. The callers that own their process wrap the work:
`boligtildeling rank`, the impact analysis' worker processes
(engine/policy/impact.py `_init_worker`) and the benchmarks.

The web service pauses in one place, with a bound: screening the waiting lists
against a vacancy (service/casework/screening.py), thousands of candidates in
one request, where the collector otherwise costs as much as the ranking
(benchmarks/screening_benchmark.py). What the pause defers is only the freeing
of reference cycles, never correctness; and so that back-to-back, overlapping
pauses cannot defer it without end, a pause that begins when the collector has
been off for more than `MAX_HOLD_SECONDS` first runs a full collection itself
(gc.collect() works while the collector is disabled).

Nested and overlapping pauses (threads included) are counted under a lock:
the first one in remembers whether the collector was enabled and turns it
off; only the last one out turns it back on, and only if it was on before.
Code that calls gc.enable()/gc.disable() itself inside a pause is on its own.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time

MAX_HOLD_SECONDS = 5.0

_lock = threading.Lock()
_depth = 0  # pauses in progress in this process
_restore = False  # whether the collector was enabled when the outermost pause began
_held_since = 0.0  # monotonic time the collector was last collected or turned off by a pause


def _begin() -> None:
    global _depth, _restore, _held_since
    with _lock:
        if _depth == 0:
            _restore = gc.isenabled()
            gc.disable()
            _held_since = time.monotonic()
        elif time.monotonic() - _held_since > MAX_HOLD_SECONDS:
            gc.collect()  # overlapping pauses have held it off long enough
            _held_since = time.monotonic()
        _depth += 1


def _end() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0 and _restore:
            gc.enable()


def pauses_in_progress() -> int:
    """How many pauses are open now (0 when the collector is as its owner left it)."""
    with _lock:
        return _depth


@contextlib.contextmanager
def paused_gc(when: bool = True):
    """The cyclic collector off for the block (process-wide; see the module docstring for who may)."""
    if not when:
        yield
        return
    _begin()
    try:
        yield
    finally:
        _end()
