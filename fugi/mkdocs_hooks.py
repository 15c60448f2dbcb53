"""MkDocs hooks (mkdocs.yml `hooks:`) so that a plain `mkdocs build --strict` builds the same site as
`python build.py site`: the pages are generated from content/ in on_config and indexed by Pagefind in
on_post_build.  `build.py` itself loads mkdocs.yml with these hooks switched off."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import Abort  # noqa: E402

from fugi.problems import ContentError  # noqa: E402
from fugi.render_site import HookBuild  # noqa: E402

_build = HookBuild()


def on_config(config):
    try:
        return _build.on_config(config)
    except ContentError as err:
        raise Abort(f"content/ にエラーがあります（{len(err.problems.errors)} 件）。python build.py check で確かめてください。")


def on_post_build(config):
    _build.on_post_build(config)


def on_build_error(error):
    _build.cleanup()
