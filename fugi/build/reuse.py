"""Writing a staged output: each file of the output it replaces that is still as fugi wrote it is linked, not written."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fugi.build.keys import output_record_name


def record_path(target: Path, cache_root: Path) -> Path:
    """Where the build cache records what fugi wrote into the output folder `target` (an absolute path)."""
    return Path(cache_root) / "outputs" / (output_record_name(target) + ".json")


class Reuse:
    """Writes a staged output's files, linking in each file of the output it replaces that is still as fugi wrote it.

    What fugi wrote is recorded in the build cache (<cache>/outputs/<target>.json: each file's SHA-256, device,
    inode, size and modification time), never in the output folder, whose bytes stay those of a clean build.
    A file of the current output is linked into the staging folder only when its bytes are to be the same and
    it is that very file, untouched since (same inode, size and time): a file a clerk edited or replaced is
    written again.  Without a cache, or where links cannot be made, every file is written."""

    def __init__(self, target: Path, cache_root: Path | None):
        self.target = Path(target)
        self.record = record_path(self.target, cache_root) if cache_root is not None else None
        try:
            self.known = json.loads(self.record.read_text(encoding="utf-8")) if self.record else {}
        except (OSError, ValueError):
            self.known = {}
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
        self.record.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.record.with_name(f"{self.record.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.written, sort_keys=True), encoding="utf-8")
        tmp.replace(self.record)
