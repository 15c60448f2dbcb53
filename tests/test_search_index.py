"""Pagefind's bundle is canonical: the filter and meta indexes are sorted and named by content, whatever order
Pagefind wrote them in, and the references to them follow."""
from __future__ import annotations

import json

from fugi.site.search_index import canonicalize, decode, encode


def write_bundle(folder, values_order, filters_order):
    (folder / "filter").mkdir(parents=True)
    filters = []
    for name, old in filters_order:
        values = [["b", [3, 1]], ["a", [2]]] if values_order else [["a", [2]], ["b", [1, 3]]]
        (folder / "filter" / f"{old}.pf_filter").write_bytes(encode([name, values]))
        filters.append([name, old])
    meta = ["1.5.2", [["ja_page", 10]], [["0", "z", "ja_chunk"]], filters, [], ["title"]]
    (folder / "pagefind.ja_old.pf_meta").write_bytes(encode(meta))
    entry = {"version": "1.5.2", "languages": {"ja": {"hash": "ja_old", "wasm": None, "page_count": 1}}}
    (folder / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")


def bundle_bytes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_orders_of_the_same_index_give_the_same_bytes(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    write_bundle(one, True, [("年度", "ja_1"), ("区分", "ja_2")])
    write_bundle(two, False, [("区分", "ja_x"), ("年度", "ja_y")])
    canonicalize(one)
    canonicalize(two)
    assert bundle_bytes(one) == bundle_bytes(two)


def test_references_follow_the_new_names(tmp_path):
    write_bundle(tmp_path, True, [("年度", "ja_1"), ("区分", "ja_2")])
    canonicalize(tmp_path)
    entry = json.loads((tmp_path / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = decode((tmp_path / f"pagefind.{entry['languages']['ja']['hash']}.pf_meta").read_bytes())
    assert [name for name, _ in meta[3]] == ["区分", "年度"]
    for name, hashed in meta[3]:
        filter_name, values = decode((tmp_path / "filter" / f"{hashed}.pf_filter").read_bytes())
        assert filter_name == name and values == [["a", [2]], ["b", [1, 3]]]
    assert sorted(p.name for p in (tmp_path / "filter").iterdir()) == sorted(f"{h}.pf_filter" for _, h in meta[3])
