"""fugi.pipeline.build as a graph: on one build of the seed archive, each intermediate is made once and passed
down — the public archive, the cache keys of the Word files, and each item's and meeting's printed view (once per
scope it is printed in: all documents for build/docx, the public view for the site).  Counted with wrappers
around what makes them, wherever it is called from."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fugi import model as m
from fugi.pipeline import build, load_archive
from fugi.views import printed
from fugi.views import public

REPO = Path(__file__).resolve().parent.parent


class _Counting:
    """fugi.model as fugi.views.public sees it, counting record_history: public_archive calls it once per public
    archive it makes (whoever asked for one, however they imported it)."""

    def __init__(self, calls: list):
        self._calls = calls

    def __getattr__(self, name):
        return getattr(m, name)

    def record_history(self, meetings):
        self._calls.append(1)
        return m.record_history(meetings)


@pytest.mark.parametrize("cache", ["on", "off"])
def test_one_build_makes_the_public_archive_the_keys_and_each_view_once(tmp_path, monkeypatch, cache):
    from fugi.build import keys as keys_module

    content = REPO / "content"
    checked, problems = load_archive(content)
    assert not problems.errors
    shown = public.public_archive(checked)
    expected = Counter({("agendas", a.id): 1 for a in checked.agendas} | {("meetings", mt.id): 1 for mt in checked.meetings})
    expected.update([("agendas", a.id) for a in shown.agendas] + [("meetings", mt.id) for mt in shown.meetings])
    assert max(expected.values()) == 2  # the seed archive has documents in both scopes

    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / "cache") if cache == "on" else "off")
    made_public, made_keys, views = [], [], Counter()
    monkeypatch.setattr(public, "m", _Counting(made_public))
    real_init = keys_module.Keys.__init__

    def counted_init(self, *args, **kwargs):
        made_keys.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(keys_module.Keys, "__init__", counted_init)
    for kind, name in (("agendas", "AgendaView"), ("meetings", "MeetingView")):
        real = getattr(printed, name)
        monkeypatch.setattr(printed, name, lambda *args, kind=kind, real=real, **kwargs:
                            views.update([(kind, kwargs["id"])]) or real(*args, **kwargs))

    written = build(content, docx_out=tmp_path / "docx", site_out=tmp_path / "site", site_pdf=False, report=lambda _: None)

    assert written["docx"] and written["site"]
    assert len(made_public) == 1
    assert len(made_keys) == 1
    assert views == expected
