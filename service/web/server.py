"""The production server: gunicorn in front of an app built once, in the master, before any worker forks.

    run(app, host, port, workers, threads)      blocks until SIGINT (Ctrl+C) or SIGTERM

Why gunicorn: the standard pre-forking WSGI server for Python on Unix (what Flask's own
deployment guide names first), pure Python with no dependencies of its own, and
with a master that restarts a worker that dies. The `gthread` worker keeps idle
keep-alive connections off its threads, so a few threads serve many clients.

Why the app is built in the master: `create_app` migrates the database and, with
demo data, fills an empty one. Built in each worker, that would run once per
worker, racing on the same file. The master builds the app once; the workers get
a copy of it when they fork (as with gunicorn's `preload_app`, which is set too).
What a copy must not share is a database connection: a socket or SQLite handle
used from two processes corrupts the conversation, so the master closes the
engine's pool before forking and every worker drops what it inherited
(`dispose(close=False)`, SQLAlchemy's recipe for fork) and opens its own.

Each worker checks the rules folder on its own (service/rules_holder.py): after an
edit, every worker reloads within RULES_CHECK_SECONDS of its next request.

GUNICORN_CMD_ARGS may add any other gunicorn setting (e.g. `--access-logfile -`,
`--timeout 60`); it is read after the settings made here, so it wins. The control
socket (`gunicornc`) is off: its default path is shared by every gunicorn of the user.
"""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread
from gunicorn.workers.base import Worker

from service.web.store import EXTENSION_KEY as STORE_KEY


def run(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve `app` with gunicorn until stopped (SIGINT stops at once, SIGTERM after running requests end)."""
    _dispose_engine(app, close=True)  # the master serves nothing: no connection of its may reach a worker
    ProductionServer(app, {
        "bind": [_bind(host, port)],
        "workers": workers,
        "threads": threads,
        "worker_class": f"{__name__}.ThreadWorker",
        "preload_app": True,
        "post_fork": _after_fork(app),
        "post_worker_init": _ready,
        "control_socket_disable": True,
        "proc_name": "boligtildeling",
    }).run()


class ProductionServer(BaseApplication):
    """gunicorn serving an app object already built (not an import string)."""

    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key == "control_socket_disable" and key not in self.cfg.settings:
                continue  # gunicorn < 25.1 has no control socket to turn off
            self.cfg.set(key, value)
        from_env = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())  # GUNICORN_CMD_ARGS
        for key, value in vars(from_env).items():
            if value is not None and key != "args":
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


class ThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker, with a quick stop (SIGINT, SIGQUIT) that cannot hang.

    gunicorn's own handler calls the thread pool's `shutdown()` inside the signal
    handler. When the signal lands while the main thread is in the pool's `submit()`
    (handing a connection to a thread, or starting one), `shutdown()` waits for the
    lock `submit()` holds, in the same thread, forever (python/cpython#121649); the
    master then kills the worker after its 30 s grace. Seen here in about one Ctrl+C
    in seven right after a request. Exiting from the handler is enough: SystemExit
    unwinds `submit()`, and at exit Python stops the pool's idle threads.
    """

    def handle_quit(self, sig, frame):
        Worker.handle_quit(self, sig, frame)


def _after_fork(app: Flask):
    """gunicorn's post_fork hook: in each new worker, forget the connections inherited from the master."""
    def post_fork(_server, _worker) -> None:
        _dispose_engine(app, close=False)  # close=False: the master's connections are not the worker's to end
    return post_fork


def _ready(worker) -> None:
    """gunicorn's post_worker_init hook: the worker handles signals and has the app; say so."""
    worker.log.info("Arbeidsprosess %s er klar", worker.pid)


def _dispose_engine(app: Flask, close: bool) -> None:
    store = app.extensions.get(STORE_KEY)
    if store is not None:
        store.engine.dispose(close=close)


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
