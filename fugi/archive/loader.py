"""Loading the archive again after a save (build.py serve): unchanged files keep their validated model and problems.

The same stages as fugi.pipeline.load_archive — load, validate, cross-check — with a memo per item and
meeting file keyed by its bytes.  Whatever else is under content/ (the forms, the checklists, images)
is hashed as a whole: a change there validates every file again.  Cross-file checks always run on the
whole archive, on fresh copies of the memoised models (the checks link them to each other).
"""
from __future__ import annotations

import dataclasses
import io
import pickle
import threading
from pathlib import Path

from fugi import model as m
from fugi.forms.checklists import parse_catalog, standard_rows
from fugi.validate.across_files import check_agenda, cross_check
from fugi.build.cache import Cache, DataUnpickler, context_digest, file_digest, loads_data
from fugi.build.jobs import fork_map, jobs
from fugi.build.keys import model_key, shared_key
from fugi.forms.definition import load_forms
from fugi.source.files import AGENDA_DIR, CATALOG_DIR, MEETING_DIR, display_path, load_markdown, load_tree, load_yaml_file, named_files
from fugi.problems import Problems
from fugi.validate.readings import agenda_names, check_readings, load_readings
from fugi.validate.per_document import Env, parse_agenda, parse_meeting
from fugi.review.data_items import load_vocabulary

KINDS = (("agendas", AGENDA_DIR, "agenda", parse_agenda), ("meetings", MEETING_DIR, "meeting", parse_meeting))


class Loader:
    """Loads content/ again and again; `load()` returns (archive, problems, documents that changed since last time)."""

    def __init__(self, content: Path, cache: Cache | None = None):
        self.given, self.content = Path(content), Path(content).resolve()
        self.cache = cache or Cache(None)
        self.context = None
        self.shared = None  # (forms, catalog, vocabulary, readings, their problems)
        self.memo: dict[Path, tuple] = {}  # file -> (sha256, model or None, [problems], its names (readings))

    def load(self):
        problems = Problems()
        root = self.content
        if not all((root / name).is_dir() for name in (AGENDA_DIR, MEETING_DIR)):
            load_tree(self.given, problems)  # the folder is wrong: the same problem the pipeline reports
            self.memo.clear()
            return m.Archive(), problems, set()
        context = context_digest(root)
        if context != self.context:
            self.context = context  # first: the shared part is kept under it
            self.shared, self.memo = self._shared(), {}
        forms, catalog, vocabulary, readings, shared_problems = self.shared
        problems.extend(shared_problems)
        if forms is None:  # without the forms nothing can be validated; the files' own mistakes are still reported
            scratch = Problems()
            load_tree(root, scratch)
            problems.extend(p for p in scratch if p.path.endswith(".md"))
            self.memo.clear()
            return m.Archive(), problems, set()
        env = Env(forms, catalog, root)
        self.shown_root = display_path(root, root)
        documents, changed, seen, order, missing = {"agendas": [], "meetings": []}, set(), set(), [], []
        for kind, folder, word, parse in KINDS:
            for path in named_files(root / folder, root, problems):  # names that can be addresses, nothing outside
                seen.add(path)
                digest = file_digest(path)
                order.append((kind, path))
                entry = self.memo.get(path)
                if entry is None or entry[0] != digest:
                    changed.add((kind, path.stem))
                    kept = self._cached(path, digest)
                    if kept is None:
                        missing.append((path, digest, word, parse))
                    else:
                        self.memo[path] = (digest, *kept)
        for (path, digest, _, _), data in zip(missing, self._parse_all(missing, env)):
            self.memo[path] = (digest, *self._unpickle(data))
            if self.cache.enabled:
                self.cache.put("model", self._key(path, digest), data)
        names = []  # the names every item uses (fugi.validate.readings.agenda_names), in file order, from each file's entry
        unread = set()  # their own problems say why: the checks across files keep quiet about them
        for kind, path in order:
            entry = self.memo[path]
            problems.extend(entry[2])
            if entry[1] is None:
                unread.add((kind, path.stem))
            if entry[1] is not None and kind == "agendas":
                names += entry[3]
            if entry[1] is not None:
                documents[kind].append(entry[1].copy() if isinstance(entry[1], m.Deferred) else dataclasses.replace(entry[1]))
        for path in set(self.memo) - seen:
            del self.memo[path]
            changed.add(("agendas" if path.parent.name == AGENDA_DIR else "meetings", path.stem))
        archive = m.Archive(documents["agendas"], documents["meetings"], catalog, forms, vocabulary, readings=readings,
                            unread=frozenset(unread))
        cross_check(archive, problems)
        check_readings(archive, problems, names)
        return archive, problems, changed

    def _key(self, path: Path, digest: str) -> str:
        shown = f"{self.shown_root}/{path.parent.name}/{path.name}"  # as problems print it
        return model_key(self.context, shown, digest)

    def _cached(self, path: Path, digest: str):
        """(model or None, [problems]) of one file from the disk cache, or None."""
        data = self.cache.get("model", self._key(path, digest))
        if data is not None:
            try:
                return self._unpickle(data)
            except Exception:  # noqa: BLE001 - an unreadable entry is a miss
                pass
        return None

    def _unpickle(self, data: bytes) -> tuple:
        """(model or None, [problems], names) of a pickled entry; an item's deferred fields stay pickled until first
        used (the checks across files read none of them; the names of its partners and sections come with it)."""
        document, found, later, names = _Unpickler(io.BytesIO(data), self.refs).load()
        if later is not None:
            document.__dict__["_later"] = _Later(later, self.refs)
        return document, found, names

    def _parse_all(self, missing: list, env) -> list:
        """The pickled (model or None, [problems]) of each file not in the cache: loaded and validated, in worker
        processes when there are many (a cold build), which share the forms with this one (fork)."""
        job = _ParseJob(self, env)
        workers = min(jobs(), len(missing) // POOL_THRESHOLD)
        if workers > 1 and threading.active_count() == 1:  # never fork beside other threads (serve's watcher)
            return fork_map(job, missing, workers)
        return [job(one) for one in missing]

    def _parse(self, path: Path, word: str, parse, env) -> tuple:
        found = Problems()
        src = load_markdown(path, self.content, word, found)
        document = parse(src, env, found) if src else None
        if document is not None and word == "agenda":
            check_agenda(document, env.catalog, env.forms, found)  # needs only the forms and the catalog: kept with the file
        return document, list(found)

    def _shared(self):
        """The forms, the checklist catalog and the vocabulary (read again only when something beside the items changed;
        kept in the build cache under the hash of those files and fugi's code)."""
        shown = display_path(self.content, self.content)  # its problems name files as seen from here
        key = shared_key(self.context, shown) if self.cache.enabled and self.context else None
        kept = self.cache.get("shared", key) if key else None
        if kept is not None:
            try:
                shared = loads_data(kept)  # sealed (Cache.get checked it), and data only
                self.refs = FormsRefs(shared[0], shared[1])
                return shared
            except Exception:  # noqa: BLE001 - an unreadable entry is a miss
                pass
        shared = self._read_shared()
        if key:
            try:
                self.cache.put("shared", key, pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
            except Exception:  # noqa: BLE001 - something in the forms pickle cannot write: read them every time
                pass
        return shared

    def _read_shared(self):
        problems = Problems()
        forms = load_forms(self.content, problems)
        catalog, vocabulary, readings = {}, None, None
        if forms is not None:
            for path in named_files(self.content / CATALOG_DIR, self.content, problems, "*.yml", False):
                src = load_yaml_file(path, self.content, problems)
                entry = parse_catalog(src, forms, problems) if src else None
                if entry:
                    catalog[entry.category] = entry
            vocabulary = load_vocabulary(self.content, problems)
            readings = load_readings(self.content, problems)
        self.refs = FormsRefs(forms, catalog)
        return forms, catalog, vocabulary, readings, list(problems)


#: Fewer files to validate than this (times the workers) are validated in this process.
POOL_THRESHOLD = 64
class _ParseJob:
    """Validates one file with the loader's forms and catalog (`env`); run here or in forked workers
    (fugi.build.jobs.fork_map: they inherit the loader, nothing is pickled but the file's name and its entry)."""

    def __init__(self, loader: Loader, env):
        self.loader, self.env = loader, env

    def __call__(self, one) -> bytes:
        """The cache entry of one file: (model or None, [problems], its deferred fields pickled apart or None, the
        names it uses (fugi.validate.readings.agenda_names; [] for a meeting))."""
        path, _, word, parse = one
        loader = self.loader
        document, found = loader._parse(path, word, parse, self.env)
        later, names = None, []
        if isinstance(document, m.Agenda) and loader.shared[3] is not None:  # only a readings file asks for them
            names = agenda_names(document, self.env.forms)
        if isinstance(document, m.Deferred):
            later = _pickled({name: document.__dict__.pop(name) for name in document.DEFERRED}, loader.refs)
        return _pickled((document, found, later, names), loader.refs)


def _pickled(value, refs) -> bytes:
    out = io.BytesIO()
    _Pickler(out, refs).dump(value)
    return out.getvalue()


class _Later:
    """An item's deferred fields, unpickled on the first call only: every copy of the item (one per load in
    `build.py serve`) shares them, as shallow copies share the rest."""

    def __init__(self, data: bytes, refs):
        self.data, self.refs, self.value = data, refs, None

    def __call__(self) -> dict:
        if self.value is None:
            self.value, self.data = _Unpickler(io.BytesIO(self.data), self.refs).load(), None
        return self.value


class FormsRefs:
    """The form definition's objects (and the catalog's standard rows) by their place in it: a pickled model refers
    to them instead of copying them."""

    def __init__(self, forms, catalog: dict | None = None):
        self.objects, self.index = [], {}
        self._walk(forms, set())
        for category in sorted(catalog or {}):  # the rows every item shares with the catalog (checklists.standard_rows)
            for half in catalog[category].halves.values():
                for standard in half.groups.values():
                    rows = standard_rows(standard, forms.default_mark)
                    for one in (rows, *rows):
                        self.add(one)

    def add(self, value) -> None:
        if id(value) not in self.index:
            self.index[id(value)] = len(self.objects)
            self.objects.append(value)

    def _walk(self, value, seen) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if dataclasses.is_dataclass(value) and type(value).__module__.endswith(".forms"):
            self.add(value)
            for one in dataclasses.fields(value):
                self._walk(getattr(value, one.name), seen)
        elif isinstance(value, dict):
            for item in value.values():
                self._walk(item, seen)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._walk(item, seen)


class _Pickler(pickle.Pickler):
    def __init__(self, file, refs: FormsRefs):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.refs = refs

    def persistent_id(self, obj):
        return self.refs.index.get(id(obj))


def _Unpickler(file, refs: FormsRefs):  # noqa: N802 - a class once; the entries are sealed and hold data only
    unpickler = DataUnpickler(file)
    unpickler.persistent_load = lambda pid: refs.objects[pid]
    return unpickler
