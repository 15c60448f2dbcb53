"""MkDocs hooks (mkdocs.yml `hooks:`): a plain `mkdocs build --strict` builds the same site as `build.py site`.

The pages are generated from content/ in on_config and indexed by Pagefind in on_post_build.  `build.py`
itself loads mkdocs.yml with these hooks switched off.  This module sits above the pipeline (it runs it),
so nothing under fugi/ imports it."""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import Abort  # noqa: E402

from fugi.pipeline import checked_archive  # noqa: E402
from fugi.problems import ContentError  # noqa: E402
from fugi.site.mkdocs_site import apply_settings, finish_sitemap, run_pagefind  # noqa: E402
from fugi.site.pages import generate_docs  # noqa: E402
from fugi.site.speed.stash import Stash  # noqa: E402


class HookBuild:
    """State of a plain `mkdocs build`: generate the pages in on_config, index them in on_post_build."""

    def __init__(self):
        self.tmp = None
        self.stash = Stash()

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        archive = checked_archive(root / "content")
        apply_settings(config, archive)
        self.cleanup()
        self.tmp = tempfile.TemporaryDirectory(prefix="fugi-docs-")
        docs = Path(self.tmp.name) / "docs"
        docs.mkdir()
        docx = root / "build" / "docx"
        self.stash = Stash()
        generate_docs(archive, docs, root / "content", docx if docx.is_dir() else None,
                      site_url=config.site_url or "", site_name=config.site_name, stash=self.stash)
        config.docs_dir = str(docs)
        return config

    def on_post_build(self, config):
        finish_sitemap(Path(config.site_dir), config.site_url or "")
        if "material/search" not in config.plugins:
            run_pagefind(Path(config.site_dir))
        self.cleanup()

    def cleanup(self, *args, **kwargs):
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None


_build = HookBuild()


def on_config(config):
    try:
        return _build.on_config(config)
    except ContentError as err:
        raise Abort(f"content/ にエラーがあります（{len(err.problems.errors)} 件）。python build.py check で確かめてください。")


def on_page_content(html, **kwargs):
    return _build.stash.restore(html)


def on_post_build(config):
    _build.on_post_build(config)


def on_build_error(error):
    _build.cleanup()
