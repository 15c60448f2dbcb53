"""The preview view: every item, those not published marked in their titles and with a banner; the archive untouched."""
from __future__ import annotations

import pytest

from contents import DRAFT, EDITED, PRIVATE, preview_workspace

from fugi.pipeline import load_archive
from fugi.views.preview_marks import preview_archive


@pytest.fixture
def workspace(tmp_path):
    return preview_workspace(tmp_path)


def test_the_preview_view_marks_what_is_not_published(workspace):
    archive, _ = load_archive(workspace / "content")
    view, banners = preview_archive(archive)
    titles = {a.id: a.title for a in view.agendas}
    assert titles[DRAFT].startswith("【下書き】") and titles[PRIVATE].startswith("【非公開】")
    assert not titles[EDITED].startswith("【")
    assert set(banners) == {f"agendas/{DRAFT}/", f"agendas/{PRIVATE}/", "*"}
    assert banners["*"] == ("このプレビューの一覧・件数・データには、サイトに載らないもの（【下書き】・【非公開】の印付き）も"
                            "含めています。サイトの一覧の数には入りません。")
    assert all(not a.title.startswith("【") for a in archive.agendas)  # the archive itself is untouched
