"""The search index made page by page (fugi.site.speed.search_index): the bundle fugi assembles holds exactly what
Pagefind's own bundle holds with each page's words cut by fugi's rules (recut), a page indexed alone is the page
indexed with the others, a bundle made from the cache after an edit is byte for byte the bundle of a clean run,
and only the Pagefind whose format the code reads is accepted."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fugi.site.speed import search_index
from fugi.site.mkdocs_site import pagefind_binary
from fugi.site.speed.search_index import decode, encode, index_site, page_url, read_bundle, recut

PAGE = """<!doctype html><html lang="ja"><head><title>{title}</title></head><body>
<nav>一覧 ナビゲーション</nav>
<main data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>
<span data-pagefind-filter="区分">{category}</span><span data-pagefind-meta="kind">付議事項 資料{number}</span>
<p>{text}</p><p data-pagefind-ignore>標準の文言は索引に入れません</p></main></body></html>"""
TEXTS = ["高齢者の住まい探しを支援する居住サポート住宅の情報を、国土交通省のシステムと外部結合する。",
         "生活保護受給世帯にエアコン購入費を助成する。がん検診のアンケート集計を富士通に委託する。",
         "ぎょうせいに委託して、はたちのつどいの案内を送る。パスワードで保護し、アクセスを制限する。",
         "介護保険システムの記録項目を変更する。Ｅメールの送付は、ばらばらの宛先にならないようにする。"]


def write_site(folder: Path, count: int = 12, edited: int | None = None) -> Path:
    for i in range(count):
        text = " ".join(TEXTS[(i + k) % len(TEXTS)] for k in range(3)) + f" 通し番号{i}番。"
        if i == edited:
            text += " 改めて記載を直した。"
        page = PAGE.format(title=f"付議事項{i}について", category=["外部結合", "業務委託", "電算処理"][i % 3],
                           number=i, text=text)
        (folder / "agendas" / f"item-{i:02d}").mkdir(parents=True, exist_ok=True)
        (folder / "agendas" / f"item-{i:02d}" / "index.html").write_text(page, encoding="utf-8")
    (folder / "index.html").write_text("<html><body><p>一覧のページは索引に入りません</p></body></html>",
                                       encoding="utf-8")
    return folder


def pagefind(site: Path, out: Path) -> Path:
    subprocess.run([str(pagefind_binary()), "--site", str(site), "--output-path", str(out), "--force-language", "ja",
                    "--quiet"], check=True, capture_output=True)
    return out


def files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def filters(bundle: Path) -> dict:
    """{filter: {value: {page address}}} of a bundle."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    meta = decode((bundle / f"pagefind.{info['hash']}.pf_meta").read_bytes())
    urls = [json.loads(gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())[12:])["url"]
            for name, _ in meta[1]]
    found = {}
    for _, name in meta[3]:
        filter_name, values = decode((bundle / "filter" / f"{name}.pf_filter").read_bytes())
        found[filter_name] = {value: {urls[i] for i in pages} for value, pages in values}
    return found


def test_the_assembled_bundle_holds_what_pagefinds_own_holds(tmp_path):
    site = write_site(tmp_path / "site")
    own = read_bundle(pagefind(site, tmp_path / "own"))
    index_site(site, tmp_path / "fugi", pagefind_binary())
    ours = read_bundle(tmp_path / "fugi")
    assert len(own.pages) == 12 and "/" not in own.pages  # the list page has no data-pagefind-body
    # every word, location, fragment and word count: Pagefind's page with its words cut by fugi's rules (fugi has
    # Pagefind read the pages without cutting Japanese, search_index.READ_AS; recut gives the same pages)
    assert ours.pages == {url: recut(page) for url, page in own.pages.items()}
    assert filters(tmp_path / "fugi") == filters(tmp_path / "own")
    assert any(page.variants for page in own.pages.values())  # Pagefind's ば・が… folded to は・か… are read too
    assert ours.assets == own.assets and ours.version == own.version


def test_a_page_indexed_alone_is_the_page_indexed_with_the_others(tmp_path):
    site = write_site(tmp_path / "site")
    alone = tmp_path / "alone"
    (alone / "agendas" / "item-03").mkdir(parents=True)
    shutil.copy(site / "agendas" / "item-03" / "index.html", alone / "agendas" / "item-03" / "index.html")
    whole, one = read_bundle(pagefind(site, tmp_path / "a")), read_bundle(pagefind(alone, tmp_path / "b"))
    assert one.pages[page_url("agendas/item-03/index.html")] == whole.pages["/agendas/item-03/"]


def test_after_an_edit_pagefind_reads_only_the_edited_page_and_the_bundle_is_a_clean_ones(tmp_path, monkeypatch):
    site, cache = write_site(tmp_path / "site"), tmp_path / "cache"
    index_site(site, tmp_path / "first", pagefind_binary(), cache, stamp="x")
    write_site(site, edited=5)
    (site / "agendas" / "item-11" / "index.html").unlink()  # a deleted item leaves the index
    shutil.rmtree(site / "agendas" / "item-11")
    read = []
    real = search_index._index_folder
    monkeypatch.setattr(search_index, "_index_folder", lambda binary, folder: read.append(
        sorted(p.relative_to(folder / "site").as_posix() for p in (folder / "site").rglob("*.html")))
        or real(binary, folder))
    index_site(site, tmp_path / "again", pagefind_binary(), cache, stamp="x")
    assert read == [["agendas/item-05/index.html"]]
    index_site(site, tmp_path / "clean", pagefind_binary())  # no cache: Pagefind reads every page
    assert files(tmp_path / "again") == files(tmp_path / "clean")
    assert "/agendas/item-11/" not in read_bundle(tmp_path / "again").pages
    assert files(tmp_path / "first") != files(tmp_path / "again")


def looked_up_in(term: str, chunks: list) -> str | None:
    """The chunk the browser loads for a word (pagefind_web's request_indexes): the first whose bounds take it,
    else the first whose bounds, cut to the word's length, take it."""
    for low, high, name in chunks:
        if low <= term <= high:
            return name
    for low, high, name in chunks:
        a, b = min(len(term), len(low)), min(len(term), len(high))
        if term[:a] >= low[:a] and term[:b] <= high[:b]:
            return name
    return None


@pytest.mark.parametrize("size", [12, 40, 400])
def test_every_word_is_in_the_chunk_the_browser_looks_in(tmp_path, monkeypatch, size):
    """Small chunks (many boundaries, some inside a run of words sharing a first character)."""
    monkeypatch.setattr(search_index, "CHUNK_SIZE", size)
    site = write_site(tmp_path / "site")
    index_site(site, tmp_path / "fugi", pagefind_binary())
    entry = json.loads((tmp_path / "fugi" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    chunks = decode((tmp_path / "fugi" / f"pagefind.{info['hash']}.pf_meta").read_bytes())[2]
    assert len(chunks) > (2 if size == 400 else 10)
    for low, high, name in chunks:
        (words,) = decode((tmp_path / "fugi" / "index" / f"{name}.pf_index").read_bytes())
        assert [word for word, _, _ in words if looked_up_in(word, chunks) != name] == []


def meta_of(bundle: Path) -> list:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    return decode((bundle / f"pagefind.{info['hash']}.pf_meta").read_bytes())


@pytest.mark.parametrize("pages, size", [(12, 20000), (12, 12), (150, 20000)])
def test_the_warm_up_words_have_a_chunk_of_their_own_that_no_word_of_a_page_reaches(tmp_path, monkeypatch, pages, size):
    """search.js searches WARM_WORDS while the page is idle (so the browser compiles Pagefind's search code before
    the reader's query): their chunk, and only theirs, holds them; it points at up to WARM_PAGES pages; a page's
    word never looks in it; Pagefind's own bundle (read back) holds nothing of it."""
    monkeypatch.setattr(search_index, "CHUNK_SIZE", size)
    site = write_site(tmp_path / "site", count=pages)
    index_site(site, tmp_path / "fugi", pagefind_binary())
    chunks = meta_of(tmp_path / "fugi")[2]
    held = {name: decode((tmp_path / "fugi" / "index" / f"{name}.pf_index").read_bytes())[0] for _, _, name in chunks}
    (warm,) = [name for name, words in held.items() if any(word in search_index.WARM_WORDS for word, _, _ in words)]
    assert sorted(word for word, _, _ in held[warm]) == sorted(search_index.WARM_WORDS)
    for word, postings, variants in held[warm]:
        assert len(postings) == min(pages, search_index.WARM_PAGES) and variants == []
    assert (tmp_path / "fugi" / "index" / f"{warm}.pf_index").stat().st_size < 400
    for name, words in held.items():
        for word, _, _ in words:
            assert (looked_up_in(word, chunks) == warm) == (word in search_index.WARM_WORDS), word
    assert not any(set(page.keys) & set(search_index.WARM_WORDS) for page in read_bundle(tmp_path / "fugi").pages.values())


def test_many_new_pages_are_indexed_in_two_halves_with_the_bytes_of_one_run(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site")
    index_site(site, tmp_path / "one", pagefind_binary())
    monkeypatch.setattr(search_index, "SPLIT_THRESHOLD", 4)
    index_site(site, tmp_path / "halves", pagefind_binary())
    assert files(tmp_path / "one") == files(tmp_path / "halves")


def test_the_same_pages_give_the_same_bytes(tmp_path):
    site = write_site(tmp_path / "site")
    index_site(site, tmp_path / "one", pagefind_binary())
    index_site(site, tmp_path / "two", pagefind_binary(), tmp_path / "cache", stamp="x")
    index_site(site, tmp_path / "three", pagefind_binary(), tmp_path / "cache", stamp="x")
    assert files(tmp_path / "one") == files(tmp_path / "two") == files(tmp_path / "three")


def test_a_pagefind_that_fails_is_a_message(tmp_path):
    site = write_site(tmp_path / "site", count=1)
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'broken' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(search_index.BundleError, match="Pagefind の索引づくりに失敗しました"):
        index_site(site, tmp_path / "out", fake)


@pytest.mark.slow
def test_a_killed_builds_unfinished_bundle_lends_no_file(tmp_path):
    """fugi.site.speed.incremental.index_pages links the files of the last kept bundle whose content names match; a
    bundle a killed build left half written (…tmp) may hold a cut-off file under such a name: it lends nothing."""
    from fugi.site.speed.incremental import index_pages

    site, cache = write_site(tmp_path / "site"), tmp_path / "cache"
    index_pages(site, cache, tmp_path / "first")
    (kept,) = [p for p in (cache / "pagefind").iterdir() if p.is_dir()]  # beside it: its sealed manifest
    unfinished = kept.with_name(f"{kept.name}.99999.tmp")
    kept.rename(unfinished)
    for path in unfinished.rglob("*.pf_*"):
        path.write_bytes(path.read_bytes()[:10])  # cut off, as by a kill mid-write
    write_site(site, edited=2)
    index_pages(site, cache, tmp_path / "again")
    index_site(site, tmp_path / "clean", pagefind_binary())
    assert files(tmp_path / "again") == files(tmp_path / "clean")
    assert not unfinished.exists()  # removed once a bundle is kept


def fragment_of(page) -> dict:
    return json.loads(gzip.decompress(page.fragment)[len(search_index.SIGNATURE):])


def test_recut_keeps_the_text_and_the_weights_and_cuts_japanese_by_character(tmp_path):
    """The excerpt's text is Pagefind's (its segments joined without spaces), a word of the heading keeps the
    heading's weight, a word in the middle of a katakana compound is at its place, headings' anchors too."""
    import cbor2
    from fugi.site import search_words
    from fugi.site.search_words import query_terms

    site = write_site(tmp_path / "site", count=1)
    page = PAGE.format(title="ガバメントクラウドの利用", category="外部結合", number=1,
                       text="振込先口座情報をクラウドサーバに保存する。")
    page = page.replace("<p>振込先", '<h2 id="kouza">口座の管理</h2><p>振込先')
    (site / "agendas" / "item-00" / "index.html").write_text(page, encoding="utf-8")
    own = read_bundle(pagefind(site, tmp_path / "own")).pages["/agendas/item-00/"]
    cut = recut(own)
    before, after = fragment_of(own), fragment_of(cut)
    assert after["content"].replace("\u200b", "") == before["content"].replace("\u200b", "")
    segments = after["content"].split("\u200b")
    assert segments[:3] == ["ガ", "バ", "メ"] and cut.word_count == len(segments)

    def places(word):
        i = cut.keys.index(word)
        locs, out, place, weight = cbor2.loads(cut.blob[cut.offsets[i]:cut.offsets[i + 1]]), [], 0, None
        for value in locs:
            if value < 0:
                weight, place = -value - 1, 0
            else:
                place += value
                out.append((weight, place))
        return out

    kura, rau, udo, _do = search_words.words(search_words.segments("クラウド"))  # pairs, the last one alone
    text = "".join(segments)

    def place_of(part):  # the segment where `part` begins in the text
        at, total = text.index(part), 0
        for number, segment in enumerate(segments):
            if total == at:
                return number
            total += len(segment)

    assert (24, place_of("口座情報")) in places(query_terms("口座")[0])  # in the middle of 振込先口座情報
    assert places(kura)[0] == (7 * 24, place_of("クラウド"))  # in the h1: a heading's weight
    assert [p for _, p in places(rau)] == [p + 1 for _, p in places(kura)]
    assert [p for _, p in places(udo)] == [p + 2 for _, p in places(kura)]
    anchor = next(a for a in after["anchors"] if a.get("id") == "kouza")
    assert segments[anchor["location"]] == "口"


def test_only_the_pinned_pagefind_is_read(tmp_path):
    """search_index reads and writes Pagefind's bundle format of one version: pyproject.toml pins that version,
    the installed Pagefind is it, and a bundle of another version is refused with a message."""
    from importlib.metadata import version

    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"pagefind[extended]=={search_index.PAGEFIND_VERSION}"' in pyproject
    assert version("pagefind") == version("pagefind_bin_extended") == search_index.PAGEFIND_VERSION
    site = write_site(tmp_path / "site", count=1)
    bundle = pagefind(site, tmp_path / "own")
    assert read_bundle(bundle).version == search_index.PAGEFIND_VERSION
    (meta,) = bundle.glob("*.pf_meta")
    value = decode(meta.read_bytes())
    meta.write_bytes(encode(["1.5.3", *value[1:]]))
    with pytest.raises(search_index.BundleError, match="Pagefind 1.5.3 の索引は読めません"):
        read_bundle(bundle)
