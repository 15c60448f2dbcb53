"""Where fugi's own files come from: templates/ (Word forms, site pages and theme, mkdocs.yml), in a checkout or shipped,
and the template set of one content folder (Templates: the council's own templates/ beside it over the shipped set)."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: an installed fugi carries templates/ as package data (fugi/templates/); a checkout has it beside fugi/
TEMPLATES = PACKAGE / "templates" if (PACKAGE / "templates").is_dir() else PACKAGE.parent / "templates"
DOCX_TEMPLATES = TEMPLATES / "docx"
SITE_TEMPLATES = TEMPLATES / "site"
#: the site's MkDocs configuration; the checkout's mkdocs.yml inherits it (for a plain `mkdocs build`)
MKDOCS_CONFIG = SITE_TEMPLATES / "mkdocs.yml"
#: the folder beside content/ whose files override the shipped ones of the same name (templates/docx/付議事項.docx …)
OWN = "templates"


class Templates:
    """The templates a content folder is built with, file by file: `<content>/../templates/<rel>` when the council
    has it, else the shipped `<TEMPLATES>/<rel>`.  Made once per build from the content path and passed down.

    When the content folder is the checkout's own content/, its templates/ is the shipped set: nothing is overridden.
    The shipped folders are read when the set is made (tests point fugi.resources.SITE_TEMPLATES elsewhere)."""

    def __init__(self, own: Path | None = None, docx: Path | None = None, site: Path | None = None):
        self.own = Path(own) if own is not None else None
        self.shipped_docx = Path(docx) if docx is not None else DOCX_TEMPLATES
        self.shipped_site = Path(site) if site is not None else SITE_TEMPLATES

    @classmethod
    def of(cls, content) -> Templates:
        """The set of the content folder `content` (as named: a templates/ beside the folder the user gave)."""
        own = Path(os.path.abspath(content)).parent / OWN
        if not own.is_dir() or own.resolve() == TEMPLATES.resolve():
            own = None
        return cls(own)

    def __repr__(self) -> str:
        return f"Templates(own={self.own}, docx={self.shipped_docx}, site={self.shipped_site})"

    def _own(self, rel: str) -> Path | None:
        if self.own is None:
            return None
        path = self.own / rel
        return path if os.path.lexists(path) else None

    def docx(self, name: str) -> Path:
        """A Word template (a form's `Word:` file): the council's templates/docx/<name>, else the shipped one."""
        return self._own(f"docx/{name}") or self.shipped_docx / name

    def is_own(self, path) -> bool:
        """Whether `path` is one of the council's files (not a shipped one)."""
        if self.own is None:
            return False
        mine, own = Path(os.path.abspath(path)), Path(os.path.abspath(self.own))
        return own in mine.parents

    @property
    def own_site(self) -> Path | None:
        return self.own / "site" if self.own is not None and (self.own / "site").is_dir() else None

    def site_dirs(self) -> list[Path]:
        """The folders the site's page templates are looked up in, the council's first (a Jinja loader's search path)."""
        return [*([self.own_site] if self.own_site else []), self.shipped_site]

    def theme_dirs(self) -> list[Path]:
        """The council's theme overrides (templates/site/overrides: partials, assets), laid over the shipped ones."""
        own = self.own_site / "overrides" if self.own_site else None
        return [own] if own is not None and own.is_dir() else []

    def site_digest(self) -> str:
        """What the site is made from among the templates: the shipped site folder and the council's site files."""
        from fugi.build.cache import digest, tree_digest

        return digest(tree_digest(self.shipped_site), tree_digest(self.own_site) if self.own_site else "")

    def digest(self) -> str:
        """What checking the council's templates reads: its own files (by path, link target and bytes) and the shipped
        Word templates they are compared with; "" when there are none."""
        from fugi.build.cache import digest, tree_digest

        return digest(tree_digest(self.own), tree_digest(self.shipped_docx)) if self.own is not None else ""

    def watched(self) -> list[Path]:
        """The folders whose saves change what is built (the preview watches them)."""
        return [self.shipped_site, self.shipped_docx, *([self.own] if self.own is not None else [])]
