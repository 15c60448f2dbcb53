"""Output folders fugi owns: refuse anything else, stage beside the target, swap all outputs at once, lock."""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .problems import ContentError, Problems
from .reuse import Reuse

#: The file that marks a folder as fugi's output (fugi replaces such a folder whole, and no other).
MARKER = ".fugi-output"
MARKER_TEXT = ("このフォルダは fugi が作った出力です。ビルドのたびに丸ごと作り直されます。\n"
               "fugi が書いていないファイルや、書いた後に変えたファイルがあると、fugi は消さずに止まります。\n"
               "残したいものは別のフォルダに置いてください。\n")
#: After it in the marker: every file fugi wrote there (size, a tab, the path), for the next build to tell them apart
#: from a clerk's files.  The files are older than the marker, written last.
FILES_HEAD = "--- fugi が書いたファイル（バイト数・パス） ---\n"
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
    target, content = Path(target).resolve(), Path(content).resolve()
    cwd, code = Path.cwd().resolve(), Path(__file__).resolve().parents[1]
    if target.exists() and not target.is_dir():
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
    if target.is_dir() and not marked(target) and any(p.name not in LITTER for p in target.iterdir()):
        return f"fugi が作ったフォルダではありません（目印の {MARKER} がなく、空でもありません）"
    return ""


def _files(folder: Path):
    """(relative path, lstat) of every file under folder but the marker, in path order."""
    root = os.fspath(folder)
    for top, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = os.path.join(top, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel != MARKER:
                yield rel, os.lstat(path)


def write_marker(folder: Path) -> None:
    """Mark a staged output as fugi's, listing every file in it; written last, so each of them is older."""
    listed = "".join(f"{st.st_size}\t{rel}\n" for rel, st in _files(folder))
    (Path(folder) / MARKER).write_text(MARKER_TEXT + FILES_HEAD + listed, encoding="utf-8")


def strangers(folder: Path) -> list:
    """Files in one of fugi's folders that a build would lose: (path, why) for each file fugi did not write,
    changed after writing (size, or a time after the marker's) or a Word/LibreOffice lock (a document open).
    A marker without the list (a fugi from before it) vouches for every file."""
    marker = Path(folder) / MARKER
    try:
        text, since = marker.read_text(encoding="utf-8", errors="replace"), marker.stat().st_mtime_ns
    except OSError:
        return []
    _, listed, files = text.partition(FILES_HEAD)
    if not listed:
        return []
    sizes = {}
    for line in files.splitlines():
        size, tab, rel = line.partition("\t")
        if tab and size.isdigit():
            sizes[rel] = int(size)
    found = []
    for rel, st in _files(folder):
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(("~$", ".~lock.")):
            found.append((Path(folder) / rel, "open"))
        elif name in LITTER:
            continue
        elif rel not in sizes:
            found.append((Path(folder) / rel, "foreign"))
        elif st.st_size != sizes[rel] or st.st_mtime_ns > since:
            found.append((Path(folder) / rel, "changed"))
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
            for path, why in strangers(Path(target)):
                problems.error(shown(path), 1, "--out", *STRANGER[why])
    resolved = [Path(t).resolve() for t in targets.values()]
    for i, one in enumerate(resolved):
        for other in resolved[i + 1:]:
            if _within(one, other) or _within(other, one):
                problems.error(str(one), 1, "--out", "出力先が重なっています", "Word とサイトの出力先を別のフォルダにしてください")
    if problems:
        raise OutputRefused(problems)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(target: Path) -> None:
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
                shutil.rmtree(entry, ignore_errors=True)


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

    def __init__(self, targets: dict):
        self.targets = {option: Path(t).resolve() for option, t in targets.items()}
        self.staging = {}
        self.reused: list[Reuse] = []
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
        for folder in self.staging.values():
            write_marker(folder)
        for option, folder in self.staging.items():
            target = self.targets[option]
            old = target.parent / f".{target.name}{OLD}{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.rename(old)
                olds.append(old)
            folder.rename(target)
        self.staging = {}
        for reuse in self.reused:
            reuse.save()
        for old in olds:
            shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)


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
            recover(target)
        outputs = Outputs(resolved)
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
    """A path relative to the current folder when inside it, else absolute."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()

