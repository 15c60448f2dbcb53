"""Why the site could not be built: the errors the pipeline reports as problems (kept apart from the site's
modules, so that a Word build can catch them without importing those)."""
from __future__ import annotations


class SiteFailure(Exception):
    """MkDocs or Pagefind could not build the site (the message says what they reported)."""


class TemplateFailure(Exception):
    """A site template that cannot be rendered: which file, which line, what Jinja said."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message
