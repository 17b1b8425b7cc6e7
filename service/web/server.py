"""The production server: granian in front of an app built once, in the master, before the workers fork.

    run(app, host, port, workers, threads)      blocks until SIGTERM (running requests end first) or SIGINT

Why granian (https://github.com/emmett-framework/granian), not gunicorn as before: it
reads and writes HTTP in Rust, so the Python side of a request is little but the app.
Ranking is CPU-bound and the rank request takes about 1 ms of CPU in the app itself;
gunicorn's gthread worker added 0.2-0.35 ms of its own (selector, thread-pool hand-offs,
an HTTP parser in Python), granian 0.04 ms (a trivial app under the load of
benchmarks/load_benchmark.py). And each granian worker listens on a socket of its own
(SO_REUSEPORT, Linux), so the kernel spreads new connections over the workers. A
keep-alive connection stays with the worker that took it, and from gunicorn's one shared
socket whichever worker woke first took what came: 38 of 50 clients at once in one of
five tries here (28 at most in five with granian), and their answers took as much
longer. gunicorn with SO_REUSEPORT would spread them alike but keeps its own cost. In
runs interleaved on one 2-core machine, 50 clients got 1,040-1,610 rank answers a second
(median 1,280; p99 52-88 ms) from granian, 810-1,290 (p99 68-208 ms) from gunicorn, and
890-1,100 (p99 77-200 ms) from gunicorn with its workers sharing the connections out
evenly through shared memory (tried, and dropped).

Why the app is built in the master: `create_app` migrates the database and, with
demo data, fills an empty one. Built in each worker, that would run once per
worker, racing on the same file. The master builds the app once and the workers get
a copy when they fork (multiprocessing's fork, set here: a worker started afresh could
not be handed the app). What a copy must not share is a database connection:
a socket or SQLite handle used from two processes corrupts the conversation, so the
master closes the engine's pool before forking and every worker drops what it
inherited (`dispose(close=False)`, SQLAlchemy's recipe for fork) and opens its own.

Before forking, the master also moves all it has built into the garbage collector's
permanent generation (`gc.freeze()`): a full collection would otherwise walk those
~150,000 objects (0.1 s here) while the worker's queued requests wait, and write to
every page it walks, undoing the memory the workers share with the master.

Each worker checks the rules folder on its own (service/rules_holder.py): after an
edit, every worker reloads within RULES_CHECK_SECONDS of its next request.

Stopping: on SIGTERM each worker stops taking connections, lets its running requests
finish and ends; one not done within GRACE_S is killed. SIGINT (Ctrl+C) allows
QUICK_STOP_S. A worker that dies is started again from the app the master holds, unless
it dies again within a few seconds of its start (granian's rule against a crash loop:
the service then stops). A worker also stops when its master dies (PR_SET_PDEATHSIG),
so a master killed outright does not leave workers holding the port.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import signal
import sys

from flask import Flask
from granian.constants import Interfaces
from granian.server import MPServer

from service.web.store import EXTENSION_KEY as STORE_KEY

GRACE_S = 30  # SIGTERM: how long running requests may take to finish
QUICK_STOP_S = 1  # SIGINT
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# granian's own lines (on stdout, in a format of its own by default) go where the service's go
# (service/cli/serve.py configures the root logger): stderr, with time and process
LOGGING = {"handlers": {}, "loggers": {"_granian": {"propagate": True}, "granian.access": {"propagate": True}}}
ACCESS_LOG_FORMAT = '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1f ms'  # the time is the line's


def run(app: Flask, host: str, port: int, workers: int, threads: int, access_log: bool = False) -> None:
    """Serve `app` with granian until stopped (SIGTERM after running requests end, SIGINT within a second)."""
    _dispose_engine(app, close=True)  # the master serves nothing: no connection of its may reach a worker
    gc.collect()
    gc.freeze()
    multiprocessing.set_start_method("fork", force=True)
    ProductionServer(
        "boligtildeling",  # granian's import target, only a name here: target_loader hands over the app
        address=host, port=port, interface=Interfaces.WSGI, websockets=False,
        workers=workers, blocking_threads=threads, respawn_failed_workers=True, workers_kill_timeout=GRACE_S,
        log_dictconfig=LOGGING, log_access=access_log, log_access_format=ACCESS_LOG_FORMAT,
    ).serve(target_loader=lambda _target: _in_worker(app))


class ProductionServer(MPServer):
    """granian's server of worker processes, with SIGINT a quick stop (granian takes it as SIGTERM)."""

    def signal_handler_interrupt(self, signum=None, frame=None):
        if signum == signal.SIGINT:
            self.workers_kill_timeout = QUICK_STOP_S
        super().signal_handler_interrupt(signum, frame)


def _in_worker(app: Flask) -> Flask:
    """In each new worker, before it serves: forget the master's connections, and end with the master."""
    _dispose_engine(app, close=False)  # close=False: the master's connections are not the worker's to end
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    return app


def _dispose_engine(app: Flask, close: bool) -> None:
    store = app.extensions.get(STORE_KEY)
    if store is not None:
        store.engine.dispose(close=close)
