"""Writing a staged output: each file of the output it replaces that is still as fugi wrote it is linked, not written."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from fugi.build.cache import drop_bad, seal, signing_key, unseal
from fugi.build.keys import output_record_name

_HEX = frozenset("0123456789abcdef")


def record_path(target: Path, cache_root: Path) -> Path:
    """Where the build cache records what fugi wrote into the output folder `target` (an absolute path)."""
    return Path(cache_root) / "outputs" / (output_record_name(target) + ".json")


def read_record(path: Path) -> dict | None:
    """The record at `path` as fugi wrote it: {relative path: [SHA-256, device, inode, size, time]}; None when there is
    none, or when it is not to be trusted: its seal (the cache's HMAC, fugi.build.cache.unseal) does not verify (edited
    by hand, another machine's, an older fugi's) or its shape is not what fugi writes.  Such a record is deleted with
    the cache's one-line notice, and the marker's hashes decide, as when the cache is off."""
    try:
        stored = Path(path).read_bytes()
    except OSError:
        return None
    data, record = unseal(stored), None
    if data is not None:
        try:
            record = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            record = None
    if well_formed(record):
        return record
    drop_bad(path)
    return None


def well_formed(record) -> bool:
    """A record as fugi writes it: a dict of relative paths to [SHA-256 in hex, four integers]."""
    if not isinstance(record, dict):
        return False
    for rel, entry in record.items():
        if not (isinstance(rel, str) and rel and isinstance(entry, list) and len(entry) == 5):
            return False
        sha, *numbers = entry
        if not (isinstance(sha, str) and len(sha) == 64 and _HEX.issuperset(sha)):
            return False
        if not all(type(n) is int for n in numbers):  # noqa: E721 - a bool is not a number here
            return False
    return True


def write_record(path: Path, record: dict) -> None:
    """Store a record sealed with the cache's signing key, atomically; without a key none is kept (one that could
    not be checked would never be used)."""
    path = Path(path)
    if signing_key() is None:
        try:
            path.unlink()
        except OSError:
            pass
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(seal(json.dumps(record, sort_keys=True).encode("utf-8")))
    tmp.replace(path)


class Reuse:
    """Writes a staged output's files, linking in each file of the output it replaces that is still as fugi wrote it.

    What fugi wrote is recorded in the build cache (<cache>/outputs/<target>.json: each file's SHA-256, device,
    inode, size and modification time, sealed like every cache entry), never in the output folder, whose bytes stay those of a clean build.
    A file of the current output is linked into the staging folder only when its bytes are to be the same and
    it is that very file, untouched since (same inode, size and time): a file a clerk edited or replaced is
    written again.  Without a cache, or where links cannot be made, every file is written."""

    def __init__(self, target: Path, cache_root: Path | None):
        self.target = Path(target)
        self.record = record_path(self.target, cache_root) if cache_root is not None else None
        self.known = (read_record(self.record) if self.record else None) or {}
        self.written: dict = {}
        self.linked = 0

    def write(self, staged: Path, rel: str, data: bytes) -> None:
        dest = os.path.join(staged, rel)  # plain strings: a build writes thousands of files
        sha = hashlib.sha256(data).hexdigest()
        old = self.known.get(rel)
        if old is not None and old[0] == sha:
            source = os.path.join(self.target, rel)
            try:
                st = os.stat(source)
                if [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns] == old[1:]:
                    os.link(source, dest)
                    self.written[rel] = old
                    self.linked += 1
                    return
            except OSError:
                pass  # gone, or no links on this disk: written below
        with open(dest, "wb") as file:
            file.write(data)
        st = os.stat(dest)
        self.written[rel] = [sha, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]

    def copy_tree(self, source: Path, staged: Path, prefix: str = "") -> None:
        """Every file under `source` into `staged`/`prefix` (shutil.copytree's result; folders made as needed)."""
        source, staged = Path(source), Path(staged)
        for top, folders, names in os.walk(source):
            rel_top = Path(prefix) / Path(top).relative_to(source)
            (staged / rel_top).mkdir(parents=True, exist_ok=True)
            for name in sorted(names):
                self.write(staged, (rel_top / name).as_posix(), (Path(top) / name).read_bytes())

    def save(self) -> None:
        """Record what the output now holds (after the swap: renaming the folder keeps each file's inode and time)."""
        if self.record is None:
            return
        write_record(self.record, self.written)
