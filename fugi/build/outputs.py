"""Output folders fugi owns: refuse anything else, stage beside the target, swap all outputs at once, lock."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import stat
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path

from fugi.problems import ContentError, Problems
from fugi.build.reuse import Reuse, write_record

#: The file that marks a folder as fugi's output (fugi replaces such a folder whole, and no other).
MARKER = ".fugi-output"
MARKER_TEXT = ("このフォルダは fugi が作った出力です。ビルドのたびに丸ごと作り直されます。\n"
               "fugi が書いていないファイルや、書いた後に変えたファイルがあると、fugi は消さずに止まります。\n"
               "残したいものは別のフォルダに置いてください。\n")
#: After it in the marker: every file fugi wrote there (SHA-256, size and path, tab-separated), for the next build to
#: tell them apart from a clerk's files.  The files are older than the marker, written last.
FILES_HEAD = "--- fugi が書いたファイル（SHA-256・バイト数・パス） ---\n"
#: The list of a fugi from before the hashes: size and path only.
SIZES_HEAD = "--- fugi が書いたファイル（バイト数・パス） ---\n"
#: A folder name longer than this cannot get its staging folder beside it (a name may have 255 bytes).
NAME_BYTES = 200
#: A folder path longer than this leaves no room for the files in it (a path may have 4,095 bytes).
PATH_BYTES = 3500
#: Files an operating system leaves in any folder it shows: no loss when a build replaces them.
LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
STAGING = ".fugi-staging-"  # .<target name>.fugi-staging-<pid>: a build in progress
OLD = ".fugi-old-"  # .<target name>.fugi-old-<pid>: the previous output, between the two renames of a swap
WORK = ".fugi-work-"  # .<target name>.fugi-work-<pid>: scratch files of a build (generated pages, PDF runs)


class OutputRefused(ContentError):
    """An output folder fugi must not write into; carries the problems, like a content error."""


def marked(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def _within(path: Path, other: Path) -> bool:
    """path is other or lies inside it."""
    return path == other or other in path.parents


def refusal(target: Path, content: Path, option: str) -> str:
    """Why `target` may not be replaced, or "" when fugi may write it."""
    absolute = os.fsencode(os.path.abspath(target))
    too_long = [part for part in absolute.split(b"/") if len(part) > NAME_BYTES]
    if too_long:
        return f"フォルダの名前が長すぎます（{len(too_long[0])} バイト。{NAME_BYTES} バイトまで）"
    if len(absolute) > PATH_BYTES:
        return f"フォルダのパスが長すぎます（{len(absolute)} バイト。中に書くファイルの分を残して {PATH_BYTES} バイトまで）"
    try:
        target, content = Path(target).resolve(), Path(content).resolve()
        exists, is_dir = target.exists(), target.is_dir()
    except OSError as err:
        return f"たどれません（{os.strerror(err.errno) if err.errno else err}）"
    cwd, code = Path.cwd().resolve(), Path(__file__).resolve().parents[2]
    if exists and not is_dir:
        return "フォルダではなくファイルです"
    if _within(target, content):
        return "コンテンツのフォルダ（またはその中）です"
    if _within(content, target):
        return "コンテンツのフォルダを含むフォルダです"
    for name, place in (("今いるフォルダ", cwd), ("fugi のフォルダ", code), ("コンテンツのリポジトリ", content.parent)):
        if _within(place, target):
            return f"{name}（またはそれを含むフォルダ）です"
    if _within(target, code) and target.relative_to(code).parts[:1] in (("fugi",), ("templates",), ("tests",)):
        return "fugi のプログラムのフォルダです"
    if is_dir and not marked(target) and any(p.name not in LITTER for p in target.iterdir()):
        return f"fugi が作ったフォルダではありません（目印の {MARKER} がなく、空でもありません）"
    return ""


def _walk(folder: Path):
    """(relative path, lstat, kind) of everything under folder but the marker, in path order: kind is "file",
    "link" (a symbolic link, never followed) or "folder" (only an empty one: any other shows through its files)."""
    root = os.fspath(folder)
    for top, folders, names in os.walk(root):
        folders.sort()
        entries = sorted(names + [name for name in folders if os.path.islink(os.path.join(top, name))])
        folders[:] = [name for name in folders if not os.path.islink(os.path.join(top, name))]
        if top != root and not entries and not folders:
            yield os.path.relpath(top, root).replace(os.sep, "/") + "/", os.lstat(top), "folder"
        for name in entries:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel != MARKER:
                st = os.lstat(path)
                yield rel, st, "link" if stat.S_ISLNK(st.st_mode) else "file"


def _files(folder: Path):
    """(relative path, lstat) of every file under folder but the marker, in path order."""
    for rel, st, kind in _walk(folder):
        if kind == "file":
            yield rel, st


def sha256_of(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_marker(folder: Path, shas: dict | None = None) -> None:
    """Mark a staged output as fugi's, listing every file in it with its SHA-256 (from `shas`, {relative path: what
    fugi wrote there}, else read again); written last, so each of them is older."""
    shas = shas or {}
    listed = "".join(f"{shas.get(rel) or sha256_of(os.path.join(folder, rel))}\t{st.st_size}\t{rel}\n"
                     for rel, st in _files(folder))
    (Path(folder) / MARKER).write_text(MARKER_TEXT + FILES_HEAD + listed, encoding="utf-8")


def _listed(text: str):
    """The marker's list: {relative path: (SHA-256 or None, size)}, or None for a marker without one."""
    for head, hashed in ((FILES_HEAD, True), (SIZES_HEAD, False)):
        _, found, files = text.partition(head)
        if found:
            break
    else:
        return None
    listed = {}
    for line in files.splitlines():
        fields = line.split("\t", 2 if hashed else 1)
        if hashed and len(fields) == 3 and fields[1].isdigit():
            listed[fields[2]] = (fields[0], int(fields[1]))
        elif not hashed and len(fields) == 2 and fields[0].isdigit():
            listed[fields[1]] = (None, int(fields[0]))
    return listed


def cache_root() -> Path | None:
    """Where the build cache of builds started here is (fugi.build.cache.open_cache's folder), never created here."""
    from fugi.build.cache import DEFAULT_DIR

    setting = os.environ.get("FUGI_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    return Path(setting or DEFAULT_DIR).resolve()


def record_of(folder: Path, root: Path | None = None) -> dict | None:
    """fugi's own record of what it wrote into the output `folder` (fugi.build.reuse, in the build cache): {relative path:
    [SHA-256, device, inode, size, time]}, or None when there is none (the cache deleted or off) or it is not to be
    trusted (its seal does not verify, or its shape is not fugi's: fugi.build.reuse.read_record)."""
    from fugi.build.reuse import read_record, record_path

    root = cache_root() if root is None else root
    if root is None:
        return None
    return read_record(record_path(Path(folder).resolve(), root))


def strangers(folder: Path, record: dict | None = None) -> list:
    """What in one of fugi's folders a build would lose: (path, why) for each file fugi did not write or that changed
    since, each symbolic link and empty folder fugi did not make (fugi writes no links), each Word/LibreOffice lock (a document open)
    and each folder made read-only (which fugi could not empty).

    A file is fugi's only when its bytes are those fugi wrote at that path.  fugi's own record (`record`, kept in the
    build cache, outside the folder) decides first: a path it does not list is never fugi's, whatever the marker
    says (a line added to the marker by hand vouches for nothing); the bytes must be the record's, or the
    marker's for that path (a build killed between its swap and its record).  Without a record (the cache deleted
    or off) the marker's list decides by the hashes it gives; a list of an older fugi without hashes by the size
    and a time not after the marker's, and a marker without a list (an older fugi's) only for the files not
    changed since it was written."""
    marker = Path(folder) / MARKER
    try:
        text, since = marker.read_text(encoding="utf-8", errors="replace"), marker.stat().st_mtime_ns
    except OSError:
        return []
    listed = _listed(text)
    found = []
    made = {rel.rsplit("/", 1)[0] + "/" for rel in (record if record is not None else listed or {}) if "/" in rel}
    made |= {rel[:i + 1] for rel in made for i, c in enumerate(rel) if c == "/"}  # the folders fugi made

    def fugis(rel: str, path: str, st) -> bool:
        mine = (listed or {}).get(rel)
        if record is not None:
            entry = record.get(rel)
            if entry is None:
                return False
            sha = sha256_of(path)
            return sha == entry[0] or (mine is not None and mine[0] == sha)
        if listed is None:
            return st.st_mtime_ns <= since
        if mine is None:
            return False
        if mine[0] is not None:
            return mine[1] == st.st_size and sha256_of(path) == mine[0]
        return mine[1] == st.st_size and st.st_mtime_ns <= since

    for rel, st, kind in _walk(folder):
        path = os.path.join(folder, rel)
        name = rel.rstrip("/").rsplit("/", 1)[-1]
        if kind == "link":
            found.append((Path(folder) / rel, "link"))
        elif kind == "folder":
            if rel not in made:  # one of fugi's emptied (its files deleted) goes with the output
                found.append((Path(folder) / rel, "folder"))
        elif name.startswith(("~$", ".~lock.")):
            found.append((Path(folder) / rel, "open"))
        elif name in LITTER:
            continue
        elif not fugis(rel, path, st):
            mine = rel in (record if record is not None else listed or {})
            found.append((Path(folder) / rel, "changed" if mine else "foreign"))
    for top, folders, _ in os.walk(folder):
        for name in sorted(folders):
            sub = os.path.join(top, name)
            mode = os.lstat(sub).st_mode
            if stat.S_ISDIR(mode) and (mode & (stat.S_IWUSR | stat.S_IXUSR)) != stat.S_IWUSR | stat.S_IXUSR:
                found.append((Path(sub), "locked"))  # read-only to its owner (what fugi could not empty)
    return found


STRANGER = {
    "foreign": ("fugi が書いたファイルではありません（作り直すと消えてしまいます）",
                "残すなら fugi の出力先の外へ移し、要らなければ消してから、もう一度実行してください。何も変更していません"),
    "changed": ("fugi が書いた後に変更されたか、置き直されています（作り直すと変更が消えてしまいます）",
                "変更を残すなら出力先の外へコピーし（文書の中身は content/ の Markdown に書きます）、"
                "要らなければ消してから、もう一度実行してください。何も変更していません"),
    "open": ("Word か LibreOffice で開いている文書があります（このファイルはその印です）",
             "文書を閉じてから、もう一度実行してください。閉じても残っているなら、この印のファイルを消してください。"
             "何も変更していません"),
    "link": ("fugi が作ったものではないシンボリックリンクです（作り直すと消えてしまいます）",
             "このリンクを fugi の出力先の外へ移してから、もう一度実行してください（リンク先はそのままです）。何も変更していません"),
    "folder": ("fugi が作ったものではない空のフォルダです（作り直すと消えてしまいます）",
               "残すなら fugi の出力先の外へ移してから、もう一度実行してください。何も変更していません"),
    "locked": ("書き込みできないフォルダです（作り直すときに消せません）",
               "このフォルダに書き込みの権限を戻して（例: chmod u+w）、もう一度実行してください。何も変更していません"),
}


def check_targets(targets: dict, content: Path) -> None:
    """Raise OutputRefused (all problems at once) unless fugi may replace every target: {option: path}."""
    problems = Problems()
    for option, target in targets.items():
        reason = refusal(target, content, option)
        if reason:
            problems.error(str(target), 1, "--out", f"このフォルダには書き出せません: {reason}",
                           "fugi 専用の出力先（まだないフォルダか空のフォルダ。例: site/、build/docx/）を指定してください。"
                           "何も変更していません")
        elif Path(target).is_dir():
            for path, why in strangers(Path(target), record_of(target)):
                problems.error(shown(path), 1, "--out", *STRANGER[why])
    resolved = [Path(t).resolve() for t in targets.values()]
    for i, one in enumerate(resolved):
        for other in resolved[i + 1:]:
            if _within(one, other) or _within(other, one):
                problems.error(str(one), 1, "--out", "出力先が重なっています", "Word とサイトの出力先を別のフォルダにしてください")
    if problems:
        raise OutputRefused(problems)


class Listing:
    """The marker's list and fugi's record of a folder fugi keeps writing into (the preview's), rewritten after each
    round of writes from what fugi wrote there: {relative path: the SHA-256 fugi wrote, or None when the file now
    there is fugi's whole (read again, only when it changed)}.  A later build into the folder tells fugi's files
    from the clerk's as in any output."""

    def __init__(self, folder: Path, cache_root: Path | None):
        from fugi.build.reuse import record_path

        self.folder = Path(folder)
        self.record = record_path(self.folder.resolve(), cache_root) if cache_root is not None else None
        self.seen: dict = {}  # relative path -> (device, inode, size, time), SHA-256 of its bytes
        self.lock = threading.Lock()

    def write(self, files: dict) -> None:
        with self.lock:
            listed, record = [], {}
            for rel in sorted(files):
                path = os.path.join(self.folder, rel)
                try:
                    st = os.lstat(path)
                    if not stat.S_ISREG(st.st_mode):
                        continue
                    key = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
                    seen = self.seen.get(rel)
                    sha = seen[1] if seen and seen[0] == key else sha256_of(path)
                except OSError:
                    continue  # gone while listed (the search index replaced): the next round lists what is there
                self.seen[rel] = (key, sha)
                wrote = files[rel] or sha
                listed.append(f"{wrote}\t{st.st_size}\t{rel}\n")
                record[rel] = [wrote, *key] if wrote == sha else [wrote, -1, -1, -1, -1]  # changed since: never linked
            _replace(self.folder / MARKER, MARKER_TEXT + FILES_HEAD + "".join(listed))
            if self.record is not None:
                write_record(self.record, record)


def forget(target: Path) -> None:
    """Remove fugi's record of an output about to be replaced (in the cache in use, and in the default one when the
    cache is off): a record describes one output, never the next one a build without it (or a killed build) left."""
    from fugi.build.cache import DEFAULT_DIR
    from fugi.build.reuse import record_path

    for root in {cache_root(), Path(DEFAULT_DIR).resolve()} - {None}:
        try:
            record_path(Path(target).resolve(), root).unlink()
        except FileNotFoundError:
            pass


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(target: Path, report=print) -> None:
    """Clean what a killed build left beside `target`: stale staging folders; restore an output lost mid-swap."""
    parent = target.parent
    if not parent.is_dir():
        return
    for entry in sorted(parent.iterdir()):
        for kind in (STAGING, OLD, WORK):
            prefix = f".{target.name}{kind}"
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix):]
            if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
                continue  # lock holders never overlap; a live pid here is another build's
            if kind == OLD and not target.exists() and marked(entry):
                entry.rename(target)  # killed between the two renames of a swap: the previous output comes back
            else:
                if kind == WORK:
                    stop_orphans(entry)
                left(remove(entry), report, entry)


def remove(folder: Path) -> list:
    """Remove a folder of fugi's own (a previous output, a staging or work folder) whole, a read-only folder in it
    included (made writable first: fugi wrote it); returns (path, error) of what could not be removed."""
    failed = []

    def retry(function, path, info):
        err = info[1]
        if isinstance(err, PermissionError):
            try:
                for place in (os.path.dirname(path), path):
                    if os.path.isdir(place) and not os.path.islink(place):
                        os.chmod(place, 0o755)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
                return
            except OSError as again:
                err = again
        if not isinstance(err, FileNotFoundError):
            failed.append((path, err))

    if os.path.lexists(folder):
        shutil.rmtree(folder, onerror=retry)
    return failed


def left(failed: list, report, folder: Path) -> None:
    """Say what of fugi's own `folder` could not be removed: a leftover is never hidden."""
    for path, err in failed[:1]:
        reason = os.strerror(err.errno) if getattr(err, "errno", None) else str(err)
        report(f"{shown(Path(path))}:1: --out: fugi の古いフォルダを消せませんでした（{reason}） — "
               f"権限を確かめて、{display(folder)} を消してください（fugi が作り直す前の出力や作業用のもので、"
               "あなたのファイルはありません）。次のビルドがもう一度消そうとします")


def stop_orphans(folder: Path) -> None:
    """Kill what a killed build left running in its work folder (a LibreOffice converting there, whose profile
    path names the folder), so that the folder can go whole: Linux's /proc; nothing elsewhere."""
    import signal
    import time

    needle = os.fsencode(str(folder))
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return
    stopped = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                if needle in file.read():
                    os.kill(pid, signal.SIGKILL)
                    stopped.append(pid)
        except OSError:
            continue
    deadline = time.monotonic() + 5
    while stopped and time.monotonic() < deadline:
        stopped = [pid for pid in stopped if os.path.exists(f"/proc/{pid}") and not _zombie(pid)]
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except OSError:
        return True


@contextmanager
def locked(folders, report=print):
    """Hold an exclusive lock on each folder (the targets' parents) for the whole build; wait if another holds it."""
    with ExitStack() as stack:
        for folder in sorted({Path(f) for f in folders}):
            fd = os.open(folder, os.O_RDONLY)
            stack.callback(os.close, fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                report(f"別の fugi が {folder} に書き出し中です。終わるのを待っています…")
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield


#: Where scratch files that are written and read again at once go when the machine has it: memory (tmpfs).
MEMORY = Path("/dev/shm")
MEMORY_PREFIX = "fugi-scratch-"  # fugi-scratch-<pid>-…: a killed build's are removed by the next build


@contextmanager
def memory_scratch(name: str, fallback: Path | None = None):
    """A scratch folder in memory (tmpfs) when there is one with room, else under `fallback` (the build's work
    folder): the generated pages of a site build are written and compared again on every build, and a disk
    write costs ten times a memory one.  Removed when the build ends; a killed build's, at the next one."""
    import tempfile

    for stale in (MEMORY.glob(f"{MEMORY_PREFIX}*") if MEMORY.is_dir() else ()):
        pid = stale.name[len(MEMORY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    place = fallback
    try:
        if MEMORY.is_dir() and os.access(MEMORY, os.W_OK) and shutil.disk_usage(MEMORY).free > 1 << 30:
            place = MEMORY
    except OSError:
        pass
    if place is not None:
        Path(place).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{MEMORY_PREFIX}{os.getpid()}-{name}-", dir=place) as folder:
        yield Path(folder)


class Outputs:
    """Staging folders for several targets; `commit()` swaps them all in, or nothing is replaced."""

    def __init__(self, targets: dict, report=print):
        self.targets = {option: Path(t).resolve() for option, t in targets.items()}
        self.report = report
        self.staging = {}
        self.reused: list[Reuse] = []
        self.writers: dict[str, Reuse] = {}
        first = next(iter(self.targets.values()))
        self.work = first.parent / f".{first.name}{WORK}{os.getpid()}"  # scratch space, removed when the build ends

    def stage(self, option: str) -> Path:
        target = self.targets[option]
        folder = target.parent / f".{target.name}{STAGING}{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o755)
        folder.chmod(0o755)
        self.staging[option] = folder
        return folder

    def reuse(self, option: str, cache_root: Path | None) -> Reuse:
        """The writer of `option`'s staged files that links in what the current output already holds (see Reuse)."""
        reuse = Reuse(self.targets[option], cache_root)
        self.reused.append(reuse)
        self.writers[option] = reuse
        return reuse

    def scratch(self, name: str) -> Path:
        """A fresh scratch folder for this build (never under /tmp: a killed build's leftovers are cleaned here)."""
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def discard(self) -> None:
        for folder in self.staging.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.staging = {}
        shutil.rmtree(self.work, ignore_errors=True)

    def commit(self) -> None:
        """Swap every staged folder in: rename the old output aside, the new one in place, drop the old."""
        olds = []
        for option, folder in self.staging.items():
            writer = self.writers.get(option)
            write_marker(folder, {rel: entry[0] for rel, entry in writer.written.items()} if writer else None)
        for target in self.targets.values():
            forget(target)  # until the new record is saved, each output's own marker (its hashes) speaks for it
        for option, folder in self.staging.items():
            target = self.targets[option]
            old = target.parent / f".{target.name}{OLD}{os.getpid()}"
            left(remove(old), self.report, old)
            if target.exists():
                target.rename(old)
                olds.append(old)
            folder.rename(target)
        self.staging = {}
        for reuse in self.reused:
            reuse.save()
        for old in olds:
            left(remove(old), self.report, old)
        left(remove(self.work), self.report, self.work)


@contextmanager
def writing(targets: dict, content: Path, report=print):
    """Check, lock, recover and stage every target; on success all are swapped in together, on failure none."""
    check_targets(targets, content)
    resolved = {option: Path(t).resolve() for option, t in targets.items()}
    made = []  # the folders made here for the targets' parents (`--out X` makes X): a failed build removes them
    try:
        for target in resolved.values():
            made += [p for p in reversed((target.parent, *target.parent.parents)) if not p.exists() and p not in made]
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        remove_empty(made)
        raise_unwritable(err)
    try:
        with _writing(resolved, report) as outputs:
            yield outputs
    except BaseException:
        remove_empty(made)
        raise


def remove_empty(folders) -> None:
    """Remove the folders a failed build made, deepest first, as long as they are still empty."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            pass


@contextmanager
def _writing(resolved: dict, report):
    with locked([t.parent for t in resolved.values()], report):
        for target in resolved.values():
            recover(target, report)
        outputs = Outputs(resolved, report)
        try:
            yield outputs
            outputs.commit()
        except OSError as err:
            outputs.discard()
            raise_unwritable(err)
        except BaseException:
            outputs.discard()
            raise


def raise_unwritable(err: OSError):
    """A folder fugi cannot write (permissions, a full disk): a problem, not a traceback."""
    problems = Problems()
    where = err.filename or "出力先"
    problems.error(str(where), 1, "--out", f"書き出せません（{os.strerror(err.errno) if err.errno else err}）",
                   "書き込みの権限と空き容量を確かめるか、別の出力先を指定してください。前回の出力はそのままです")
    raise OutputRefused(problems) from err


def display(path: Path) -> str:
    """A folder as the clerk typed it: relative to the current folder when inside it."""
    return shown(path) + "/"


def shown(path: Path) -> str:
    """A path relative to the current folder when inside it, else absolute; a symbolic link is named, not its target."""
    path = Path(path).parent.resolve() / Path(path).name if Path(path).name not in ("", ".", "..") else Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()

