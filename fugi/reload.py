"""Loading the archive again after a save (build.py serve): unchanged files keep their validated model and problems.

The same stages as fugi.pipeline.load_archive — load, validate, cross-check — with a memo per item and
meeting file keyed by its bytes.  Whatever else is under content/ (the forms, the checklists, images)
is hashed as a whole: a change there validates every file again.  Cross-file checks always run on the
whole archive, on fresh copies of the memoised models (the checks link them to each other).
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from . import model as m
from .checklists import parse_catalog
from .checks import cross_check
from .documents import context_digest
from .forms import load_forms
from .load import AGENDA_DIR, CATALOG_DIR, MEETING_DIR, load_markdown, load_tree, load_yaml_file
from .problems import Problems
from .validate import Env, parse_agenda, parse_meeting

KINDS = (("agendas", AGENDA_DIR, "agenda", parse_agenda), ("meetings", MEETING_DIR, "meeting", parse_meeting))


class Loader:
    """Loads content/ again and again; `load()` returns (archive, problems, documents that changed since last time)."""

    def __init__(self, content: Path):
        self.content = Path(content).resolve()
        self.context = None
        self.shared = None  # (forms, catalog, their problems)
        self.memo: dict[Path, tuple] = {}  # file -> (sha256, model or None, [problems])

    def load(self):
        problems = Problems()
        root = self.content
        if not all((root / name).is_dir() for name in (AGENDA_DIR, MEETING_DIR)):
            load_tree(root, problems)  # the folder is wrong: the same problem the pipeline reports
            self.memo.clear()
            return m.Archive(), problems, set()
        context = context_digest(root)
        if context != self.context:
            self.context, self.shared, self.memo = context, self._shared(), {}
        forms, catalog, shared_problems = self.shared
        problems.extend(shared_problems)
        if forms is None:
            return m.Archive(), problems, set()
        env = Env(forms, catalog, root)
        documents, changed, seen = {"agendas": [], "meetings": []}, set(), set()
        for kind, folder, word, parse in KINDS:
            for path in sorted((root / folder).glob("*.md")):
                seen.add(path)
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                entry = self.memo.get(path)
                if entry is None or entry[0] != digest:
                    found = Problems()
                    src = load_markdown(path, root, word, found)
                    entry = self.memo[path] = (digest, parse(src, env, found) if src else None, list(found))
                    changed.add((kind, path.stem))
                problems.extend(entry[2])
                if entry[1] is not None:
                    documents[kind].append(dataclasses.replace(entry[1]))
        for path in set(self.memo) - seen:
            del self.memo[path]
            changed.add(("agendas" if path.parent.name == AGENDA_DIR else "meetings", path.stem))
        archive = m.Archive(documents["agendas"], documents["meetings"], catalog, forms)
        cross_check(archive, problems)
        return archive, problems, changed

    def _shared(self):
        """The forms and the checklist catalog (read again only when something beside the items changed)."""
        problems = Problems()
        forms = load_forms(self.content, problems)
        catalog = {}
        if forms is not None:
            for path in sorted((self.content / CATALOG_DIR).glob("*.yml")):
                src = load_yaml_file(path, self.content, problems)
                entry = parse_catalog(src, forms, problems) if src else None
                if entry:
                    catalog[entry.category] = entry
        return forms, catalog, list(problems)
