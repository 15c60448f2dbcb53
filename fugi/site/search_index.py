"""Pagefind's bundle made byte-identical across builds: its filter and meta indexes are sorted and renamed by content.

Pagefind (1.5) writes the filter indexes (filter/<lang>_<hash>.pf_filter), the list of filters in the meta
index (pagefind.<lang>_<hash>.pf_meta) and therefore both file names and pagefind-entry.json in hash-map
order: two builds of the same pages differ (Pagefind issue #638; the fragments are stable since 1.3).
Each of these files is gzip of b"pagefind_dcd" + CBOR.  `canonicalize()` decodes them, sorts what has no
meaning in its order (a filter's values, the meta's list of filters), re-encodes them with a fixed gzip
header, names them by the hash of their content and rewrites the references: the same pages give the
same bundle, and the search reads it as before (search.js orders filter values itself).
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"


def decode(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return cbor2.loads(raw[len(SIGNATURE):])


def encode(value) -> bytes:
    """gzip with no name and no time in its header: the same value always gives the same bytes."""
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def content_hash(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def canonicalize(bundle: Path) -> None:
    """Sort and rename the filter and meta indexes of a Pagefind bundle (site/pagefind) in place."""
    bundle = Path(bundle)
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = decode(meta_path.read_bytes())
        filters = []
        for name, old_hash in meta[3]:
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = decode(old.read_bytes())
            data = encode([filter_name, sorted(([value, sorted(pages)] for value, pages in values),
                                               key=lambda pair: pair[0])])
            new_hash = content_hash(language, data, 7)
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        data = encode(meta)
        meta_path.unlink()
        info["hash"] = content_hash(language, data, 10)
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
