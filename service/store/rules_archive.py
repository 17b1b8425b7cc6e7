"""The rules archive: every rules version a recommendation used, kept by its content hash.

A recommendation records the hash of the rules it was ranked under. The files
of that version are stored here (once per hash), so the ranking can be
reproduced later even after policy staff have changed `rules/`: the stored
files are written to a temporary folder and loaded with `load_rules`, and the
loaded bundle must have the same hash.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import CompiledRules, Rulebook, load_rules
from engine.language.rules import FILES, content_hash

from service.store.models import RulesBundle, RulesBundleFile


class RulesVersionMissing(Exception):
    """The rules version is not in the archive, or its files no longer give the same hash."""


def bundle_files(book: Rulebook) -> dict[str, str]:
    """The files of a loaded bundle, read again from its folder and checked against its hash.

    Raises RulesVersionMissing when the folder changed after the bundle was loaded:
    the archive must hold exactly the files that were used.
    """
    folder = Path(book.folder)
    contents = {name: (folder / name).read_bytes() for name in FILES}
    if content_hash(contents) != book.content_hash:
        raise RulesVersionMissing(
            f"Regelfilene i {folder} er endret etter at regelverket ble lastet; last regelverket på nytt.")
    return {name: data.decode("utf-8") for name, data in contents.items()}


def archive(session: Session, book: Rulebook, now) -> RulesBundle:
    """Store the bundle's files under its content hash, unless they are there already.

    Runs in a savepoint, so two recommendations racing to store the same new
    version both succeed (the loser finds the winner's row).
    """
    existing = session.get(RulesBundle, book.content_hash)
    if existing is not None:
        return existing
    files = bundle_files(book)
    bundle = RulesBundle(content_hash=book.content_hash, label=book.version, effective_from=book.effective_from,
                         stored_at=now)
    bundle.files = [RulesBundleFile(filename=name, content=text) for name, text in files.items()]
    try:
        with session.begin_nested():
            session.add(bundle)
    except IntegrityError:
        existing = session.get(RulesBundle, book.content_hash)
        if existing is None:
            raise
        return existing
    return bundle


_CACHE_SIZE = 8
_cache: "OrderedDict[str, CompiledRules]" = OrderedDict()
_cache_lock = threading.Lock()


def compiled_version(session: Session, content_hash: str) -> CompiledRules:
    """The archived rules version `content_hash`, compiled (a few are kept compiled in memory)."""
    with _cache_lock:
        if content_hash in _cache:
            _cache.move_to_end(content_hash)
            return _cache[content_hash]
    rows = session.scalars(select(RulesBundleFile).where(RulesBundleFile.bundle_hash == content_hash)).all()
    if not rows:
        raise RulesVersionMissing(f"Regelverksversjonen {content_hash[:12]} finnes ikke i arkivet.")
    with tempfile.TemporaryDirectory(prefix="regelverk-") as tmp:
        for row in rows:
            (Path(tmp) / row.filename).write_bytes(row.content.encode("utf-8"))
        book = load_rules(tmp)
        if book.content_hash != content_hash:
            raise RulesVersionMissing(
                f"Arkivet for regelverksversjonen {content_hash[:12]} gir en annen hash ({book.content_hash[:12]}).")
        compiled = CompiledRules(book)
    with _cache_lock:
        _cache[content_hash] = compiled
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled
