"""Byte-identical .docx files: a fixed zip layout and core properties taken from content, never the clock.

python-docx stamps every zip entry with the current time and writes the parts in the order it walks
them. `normalize()` rewrites a package with a fixed entry time (1980-01-01, the zip epoch), fixed
attributes and a stable order (`[Content_Types].xml` first, then `_rels/.rels`, then by name), so the
same content always gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path

#: The zip epoch; also the "created" date of a document whose content gives no date.
EPOCH = (1980, 1, 1, 0, 0, 0)
EPOCH_DATETIME = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
FIRST = ("[Content_Types].xml", "_rels/.rels")


def entry_order(name: str):
    return (FIRST.index(name), "") if name in FIRST else (len(FIRST), name)


def write_package(target, parts: dict[str, bytes]) -> None:
    """Write {part name: bytes} as a zip with fixed times, attributes and order (target: path or file)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in sorted(parts, key=entry_order):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS, as Word writes it
            info.external_attr = 0
            out.writestr(info, parts[name], compresslevel=6)


def read_package(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return {info.filename: src.read(info) for info in src.infolist()}


def normalize(data: bytes) -> bytes:
    """The same package with a deterministic zip layout."""
    out = io.BytesIO()
    write_package(out, read_package(data))
    return out.getvalue()


def document_bytes(document) -> bytes:
    """A python-docx Document as a deterministic .docx.

    Mirrors python-docx's PackageWriter (content types, package rels, each part and its rels) but
    compresses once, into the fixed layout; falls back to save() + normalize() if python-docx changes.
    """
    try:
        from docx.opc.packuri import PACKAGE_URI
        from docx.opc.pkgwriter import _ContentTypesItem

        package = document.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        entries = {"[Content_Types].xml": _ContentTypesItem.from_parts(parts).blob,
                   PACKAGE_URI.rels_uri.membername: package.rels.xml}
        for part in parts:
            entries[part.partname.membername] = part.blob
            if len(part.rels):
                entries[part.partname.rels_uri.membername] = part.rels.xml
    except (ImportError, AttributeError):  # pragma: no cover - a python-docx without these internals
        out = io.BytesIO()
        document.save(out)
        return normalize(out.getvalue())
    out = io.BytesIO()
    write_package(out, entries)
    return out.getvalue()


def set_core_properties(document, title: str, subject: str = "", when: dt.date | dt.datetime | None = None,
                        author: str = "") -> None:
    """Core properties from content: created = modified = `when` (a content date) or the zip epoch; revision 1."""
    if when is None:
        stamp = EPOCH_DATETIME
    elif isinstance(when, dt.datetime):
        stamp = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    else:
        stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.timezone.utc)
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.category = ""


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling, so a failure never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
