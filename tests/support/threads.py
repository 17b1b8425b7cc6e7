"""Running many requests at once in tests: threads started together, each joined with a hang guard."""

from __future__ import annotations

import threading
from typing import Callable

HANG_GUARD_S = 120  # a guard against a hang, not a speed limit


def run_together(attempt: Callable[[int], None], count: int) -> None:
    """Run attempt(0) ... attempt(count - 1) in threads of their own and wait for all; fail if one hangs."""
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HANG_GUARD_S)
        assert not t.is_alive(), "a request never got its answer"
