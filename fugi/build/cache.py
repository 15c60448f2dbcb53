"""The build cache (build/cache): every output stored under the hash of all it was made from, so a build redoes only what changed.

An entry's key is a SHA-256 over everything its bytes depend on — the content files, the templates, the
form definition, fugi's own code (the hash of its source, not a version number that could lag behind), the
installed packages with their versions (fugi's own, the theme, python-docx …) and, for PDFs, LibreOffice and
the font map.  Nothing is ever looked up by time, so deleting the cache
changes no output byte, only the time a build takes.  Entries are written atomically (a second build
running at once sees an entry whole or not at all); entries unused for PRUNE_DAYS are removed.

The cache is input, not trusted state (CI caches and shared folders travel between machines): every entry is
sealed with an HMAC whose key is kept outside the cache (key_path(), created once from os.urandom), and checked
before it is used or published.  An entry that fails the check (cut off, changed, made by another machine) is
deleted and made again, with a one-line notice; nothing is ever unpickled or published unchecked.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
import sys
import threading
import time
from pathlib import Path

from fugi.word.docx_files import write_bytes_atomic

#: The cache of builds started in the current folder (like build/docx); FUGI_CACHE moves it, FUGI_CACHE=off disables it.
DEFAULT_DIR = Path("build/cache")
PACKAGE = Path(__file__).resolve().parents[1]
PRUNE_DAYS = 14
MARKER = ".fugi-cache"


SEAL = b"fugi-sealed-1\n"  # then the HMAC-SHA256 of the data, then the data
_TAG = hashlib.sha256().digest_size


def key_path() -> Path:
    """Where the cache's signing key lives: the user's config folder, never the cache (which travels)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base).resolve() / "fugi" / "cache-key"


@functools.lru_cache(maxsize=None)
def signing_key() -> bytes | None:
    """The key entries are sealed with, created once (32 random bytes, readable by the user only); None when it can be
    neither read nor made (then the cache is off: an entry that cannot be checked is never used)."""
    path = key_path()
    for _ in range(2):
        try:
            data = path.read_bytes()
            if len(data) == 32:
                return data
            return None  # somebody else's file: not ours to replace
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(os.urandom(32))
            try:
                os.link(tmp, path)  # never replaces a key another build made meanwhile
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        except OSError:
            return None
    return None


def seal(data: bytes, key: bytes | None = None) -> bytes:
    """An entry's bytes as stored: the mark, the HMAC of the data under the signing key, the data."""
    key = key or signing_key()
    return SEAL + hmac.new(key, data, hashlib.sha256).digest() + data


def unseal(stored: bytes, key: bytes | None = None) -> bytes | None:
    """The data of a sealed entry, or None when its seal does not check out (cut off, changed, another machine's)."""
    key = key or signing_key()
    if key is None or not stored.startswith(SEAL) or len(stored) < len(SEAL) + _TAG:
        return None
    tag, data = stored[len(SEAL):len(SEAL) + _TAG], stored[len(SEAL) + _TAG:]
    return data if hmac.compare_digest(tag, hmac.new(key, data, hashlib.sha256).digest()) else None


NOTICES = 5  # notices printed per process; a whole cache from another machine is told once, not per entry
_noticed = [0]
_notice_lock = threading.Lock()


def notice_bad(path, report=None) -> None:
    """The one-line notice for an entry that failed its check (it is deleted and made again)."""
    with _notice_lock:
        _noticed[0] += 1
        count = _noticed[0]
    if count > NOTICES + 1:
        return
    if count == NOTICES + 1:
        line = "キャッシュ: ほかにも壊れているか別のマシンで作られた項目があります — 同じように作り直します（以降の知らせは省きます）"
    else:
        line = (f"{path}: キャッシュ: この項目は壊れているか、別のマシンで作られたものです — 使わずに消して作り直します"
                "（出力はキャッシュがない場合と同じです）")
    (report or (lambda text: print(text, file=sys.stderr)))(line)


def drop_bad(path) -> None:
    """An entry that failed its check: said once (notice_bad) and deleted, to be made again."""
    notice_bad(path)
    try:
        os.unlink(path)
    except OSError:
        pass


#: What a cache entry's pickle may name besides fugi's own dataclasses and enums (fugi.model, fugi.forms.definition …).
_SAFE_GLOBALS = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
                 ("datetime", "timezone"), ("array", "array"), ("array", "_array_reconstructor"),
                 ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
                 ("builtins", "bytearray"), ("builtins", "complex"), ("builtins", "range"), ("builtins", "slice")}


class DataUnpickler:
    """An unpickler for sealed cache entries that builds data only (a second wall behind the seal): it can name
    fugi's dataclasses and enums and a few value types of the standard library, never a function or another class."""

    def __new__(cls, file):
        import pickle

        class Restricted(pickle.Unpickler):
            def find_class(self, module, name):
                if (module, name) in _SAFE_GLOBALS or (module.split(".")[0] == "fugi" and _fugi_data(module, name)):
                    return super().find_class(module, name)
                raise pickle.UnpicklingError(f"{module}.{name} is not data")

        return Restricted(file)


def _fugi_data(module: str, name: str) -> bool:
    import dataclasses
    import enum
    import importlib

    if "." in name or name.startswith("_"):
        return False
    try:
        value = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return False
    return (isinstance(value, type) and value.__module__ == module
            and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)))


def loads_data(data: bytes):
    """A sealed entry's pickled data (checked by unseal() first), built by DataUnpickler."""
    import io

    return DataUnpickler(io.BytesIO(data)).load()


def manifest_path(folder: Path) -> Path:
    """Where a kept folder's sealed manifest lives: beside it, never in it (the folder is copied into the site)."""
    folder = Path(folder)
    return folder.with_name(folder.name + ".sealed")


def seal_folder(folder: Path) -> None:
    """Seal a folder kept in the cache (MkDocs' pages, a Pagefind bundle): the hash of each of its files, in a sealed
    manifest beside it."""
    files = _folder_files(Path(folder))
    write_bytes_atomic(manifest_path(folder), seal(json.dumps(files, sort_keys=True).encode("utf-8")))


def folder_intact(folder: Path) -> bool:
    """Whether a kept folder holds exactly the files its sealed manifest lists, with the same bytes."""
    folder = Path(folder)
    try:
        data = unseal(manifest_path(folder).read_bytes())
        listed = json.loads(data) if data is not None else None
        return listed is not None and listed == _folder_files(folder)
    except (OSError, ValueError):
        return False


def unlink_links(folder: Path) -> bool:
    """Remove every symbolic link under a folder kept in the cache (fugi writes none: one would make a later write
    go through it, into a file of the user's); True if there was one."""
    found = False
    for top, folders, names in os.walk(folder):
        for name in folders + names:
            path = os.path.join(top, name)
            if os.path.islink(path):
                os.unlink(path)
                found = True
    return found


def _folder_files(folder: Path) -> dict:
    files = {}
    for top, folders, names in os.walk(folder):
        for name in folders:
            if os.path.islink(os.path.join(top, name)):  # a link to a folder: its files would be published
                files[os.path.relpath(os.path.join(top, name), folder).replace(os.sep, "/")] = None
        for name in names:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            if os.path.islink(path) or not os.path.isfile(path):
                files[rel] = None  # never fugi's: the manifest lists none, so the folder is not intact
                continue
            with open(path, "rb") as file:
                files[rel] = hashlib.sha256(file.read()).hexdigest()
    return files


def digest(*parts) -> str:
    """SHA-256 over parts (bytes, str, or nested tuples/lists of them), unambiguous about where each part ends."""
    h = hashlib.sha256()
    _feed(h, parts)
    return h.hexdigest()


def _feed(h, value) -> None:
    if isinstance(value, (tuple, list)):
        h.update(b"(%d" % len(value))
        for item in value:
            _feed(h, item)
        h.update(b")")
        return
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    h.update(b"%d:" % len(data))
    h.update(data)


def value_bytes(value) -> bytes | None:
    """The bytes a value (a view, a page's context) is known by; None if it can't be (then it is never reused).

    Pickle without its memo first: equal values give equal bytes whether or not they share objects (a model
    read from the cache shares fewer strings than one parsed afresh).  A value with cycles needs the memo; its
    bytes can then differ between equal values, which costs a render, never a wrong output."""
    import io
    import pickle

    for fast in (True, False):
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.fast = fast
        try:
            pickler.dump(value)
        except Exception:  # noqa: BLE001 - RecursionError (a cycle), or something pickle cannot write
            continue
        return (b"F" if fast else b"M") + out.getvalue()
    return None


_DIGESTS: dict = {}  # str(path) -> (its stat signature, SHA-256): files already hashed by this process


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; read again only when its size, times or inode changed since this process hashed it
    (a build asks for the same file's hash several times; `serve` asks after every save)."""
    name = os.fspath(path)  # plain strings: a build asks thousands of times
    try:
        st = os.stat(name)
    except OSError as err:  # a dangling link or a loop: the loader reports it (fugi.source.files.file_problem)
        return f"unreadable:{err.errno}"
    if not stat.S_ISREG(st.st_mode):  # a folder or a FIFO named *.md: never opened (a FIFO would hang)
        return f"not-a-file:{stat.S_IFMT(st.st_mode)}"
    signature = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    known = _DIGESTS.get(name)
    if known is not None and known[0] == signature:
        return known[1]
    with open(name, "rb") as file:
        value = hashlib.sha256(file.read()).hexdigest()
    _DIGESTS[name] = (signature, value)
    return value


@functools.lru_cache(maxsize=None)
def code_digest() -> str:
    """fugi's own code and data files, and every installed package's name and version: an edit to fugi, a new
    version of it or an upgrade of what it runs on (the theme, python-docx, Markdown …) makes every cached output stale."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".conf")
                   and "__pycache__" not in p.parts)
    return digest([(p.relative_to(PACKAGE).as_posix(), p.read_bytes()) for p in files], installed())


def installed() -> list:
    """The installed packages, as their metadata folders name them (mkdocs_material-9.8.2.dist-info …): one listing
    per site-packages folder of sys.path (not the current folder's, which differs with how fugi was started), far
    cheaper than reading each package's metadata."""
    import sys

    names = set()
    for entry in sys.path:
        if os.path.basename(entry) not in ("site-packages", "dist-packages"):
            continue
        try:
            names.update(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


def tree_digest(folder: Path) -> str:
    """Every file under a folder (a council's templates/, the shipped templates/site …) by relative path, where a link
    points and bytes.  A link out of the folder and what is not a regular file (a pipe would hang) are named, never
    read; a folder reached through a link is named, not walked; what cannot be read, by its error."""
    parts, inside = [], os.path.realpath(folder)
    for top, folders, names in os.walk(folder):
        folders.sort()
        linked_folders = [name for name in folders if os.path.islink(os.path.join(top, name))]
        for name in sorted(names + linked_folders):
            path = os.path.join(top, name)
            real = os.path.realpath(path)
            try:
                if not real.startswith(inside + os.sep):
                    data = b"outside"  # a link out of the folder: refused by the checks, never read
                elif not stat.S_ISREG(os.stat(path).st_mode):
                    data = b"not a file"
                else:
                    data = Path(path).read_bytes()
            except OSError as err:
                data = f"unreadable {err.errno}".encode()
            parts.append((os.path.relpath(path, folder).replace(os.sep, "/"),
                          real if real != os.path.abspath(path) else "", data))
    return digest(parts)


def context_digest(content_root: Path) -> str:
    """Everything under content/ that is not an item or a meeting file: forms, checklists, images …"""
    root = Path(content_root)
    skip = {"agendas", "meetings"}  # fugi.source.files.AGENDA_DIR, MEETING_DIR
    files = []
    for top, folders, names in os.walk(root):
        rel = os.path.relpath(top, root)
        relative = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        files += [(relative + name, os.path.join(top, name)) for name in names
                  if not (rel in skip and name.endswith(".md")) and os.path.isfile(os.path.join(top, name))]
    return digest([(rel + linked(path), Path(path).read_bytes()) for rel, path in sorted(files)])


def linked(path: str) -> str:
    """Where a file reached through a symlink really is, as part of the key: the same bytes through a link (perhaps
    out of content/, which the loader refuses) are not the same input as a file in its place."""
    real = os.path.realpath(path)
    return "" if real == os.path.abspath(path) else f" -> {real}"


class Cache:
    """A folder of entries: <kind>/<key[:2]>/<key>.  A Cache(None) keeps nothing (every lookup misses)."""

    def __init__(self, root: Path | None, key: bytes | None = None):
        self.key = key or (signing_key() if root is not None else None)
        if self.key is None:
            root = None  # entries that cannot be checked are never used: no cache
        self.root = Path(root).resolve() if root is not None else None
        self._root = str(self.root) if root is not None else ""
        self._stored: dict[bytes, str] = {}  # SHA-256 of an entry's bytes -> where this process stored them
        self.hits = self.misses = 0
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            marker = self.root / MARKER
            if not marker.exists():
                marker.write_text("fugi のビルド用キャッシュです。消しても出力は変わりません（次のビルドが遅くなるだけです）。\n",
                                  encoding="utf-8")

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def path(self, kind: str, key: str) -> Path:
        return Path(self._file(kind, key))

    def _file(self, kind: str, key: str) -> str:
        """Where an entry lives, as a plain string (a build looks up thousands: pathlib costs more than the read)."""
        return f"{self._root}/{kind}/{key[:2]}/{key}"

    def get(self, kind: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        path = self._file(kind, key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            self.misses += 1
            return None
        data = unseal(data, self.key)
        if data is None:  # cut off, changed or another machine's: dropped, made again
            self.misses += 1
            drop_bad(path)
            return None
        self.hits += 1
        try:
            os.utime(path)  # used: kept by prune()
        except OSError:
            pass
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store an entry; one whose bytes this process stored before under another key (a Word file in its
        view's entry and in the public build's) is a hard link to that file: new files are what a cold build's
        disk time goes to, and entries are only ever replaced whole, never changed in place."""
        if self.root is None:
            return
        path = self._file(kind, key)
        sha = hashlib.sha256(data).digest()
        same = self._stored.get(sha)
        if same is None or not _link(same, path):
            write_bytes_atomic(Path(path), seal(data, self.key))
        self._stored[sha] = path

    def prune(self, days: float = PRUNE_DAYS) -> int:
        """Remove entries unused for `days`; returns how many."""
        if self.root is None:
            return 0
        stamp = self.root / ".pruned"  # once a day is enough: listing every entry costs a build time
        try:
            if time.time() - stamp.stat().st_mtime < 86400:
                return 0
        except OSError:
            pass
        stamp.touch()
        limit, removed = time.time() - days * 86400, 0
        for path in self.root.glob("*/*/*"):
            if not _entry_name(path):
                continue  # only entries are pruned: whatever else is here, fugi did not write
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        return removed


def _entry_name(path: Path) -> bool:
    """<kind>/<key[:2]>/<key>: the name of an entry (a key is hexadecimal)."""
    name = path.name
    return len(name) >= 16 and path.parent.name == name[:2] and all(c in "0123456789abcdef" for c in name)


def _link(source: str, path: str) -> bool:
    """`path` made a hard link to `source` (through a temporary name, so it appears whole); False if it cannot be."""
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.link"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.link(source, tmp)
        os.replace(tmp, path)
        return True
    except OSError:  # the first one is gone (pruned), or this disk has no links: written instead
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


class Remembered:
    """A cache with the entries a long-running process (build.py serve) used last time kept in memory as well."""

    def __init__(self, cache: Cache):
        self.cache, self.memory, self.used = cache, {}, {}
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.cache.enabled

    @property
    def root(self):
        return self.cache.root

    def get(self, kind: str, key: str) -> bytes | None:
        data = self.memory.get((kind, key))
        if data is None:
            data = self.cache.get(kind, key)
        if data is not None:
            self.used[(kind, key)] = data
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        self.used[(kind, key)] = data
        self.cache.put(kind, key, data)

    def forget_unused(self) -> None:
        """Keep in memory only what was used since the last call."""
        self.memory, self.used = self.used, {}


def cache_folder() -> Path | None:
    """The cache folder builds use (FUGI_CACHE, else build/cache), resolved; None when FUGI_CACHE turns it off."""
    setting = os.environ.get("FUGI_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    return Path(setting or DEFAULT_DIR).resolve()


def misplaced(content: Path, targets: dict | None = None):
    """The problems of a cache folder that is, or is inside, content/ or an output folder (or holds one): its
    records would be published with the site, or read as content.  targets: {option: output folder}."""
    from fugi.problems import Problems

    problems = Problems()
    root = cache_folder()
    if root is None:
        return problems
    places = [(Path(content).resolve(), "コンテンツのフォルダ")] + [(Path(t).resolve(), "出力先")
                                                       for t in (targets or {}).values()]
    for place, what in places:
        if root == place or place in root.parents or root in place.parents:
            where = "と同じです" if root == place else ("の中にあります" if place in root.parents else "を含んでいます")
            problems.error(_shown(root), 1, "FUGI_CACHE",
                           f"キャッシュのフォルダが{what} {_shown(place)}/ {where}（キャッシュの記録がサイトや"
                           "コンテンツのフォルダに混ざってしまいます）",
                           "環境変数 FUGI_CACHE でコンテンツのフォルダと出力先の外のフォルダを指定するか（例: FUGI_CACHE=build/cache）、"
                           "出力先を変えてください。何も変更していません")
    return problems


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def open_cache(content: Path, folder: Path | None = None) -> Cache:
    """The cache for builds of `content`: FUGI_CACHE or build/cache; disabled where it may not go (a build refuses
    to run then: misplaced())."""
    root = Path(folder).resolve() if folder else cache_folder()
    if root is None:
        return Cache(None)
    content = Path(content).resolve()
    if root == content or content in root.parents or root in content.parents:
        return Cache(None)  # never inside the content folder, never around it
    if root in key_path().parents:
        return Cache(None)  # the key would travel with the cache: entries anybody could sign
    if root.is_dir() and not (root / MARKER).is_file() and any(root.iterdir()):
        return Cache(None)  # a folder of somebody else's files (FUGI_CACHE=~/Documents): never written, never pruned
    try:
        return Cache(root)
    except OSError:
        return Cache(None)
