"""Pagefind's bundle made page by page: each page's index data kept by its HTML, one byte-identical bundle assembled.

Pagefind (1.5) indexes a whole site in one run and has no incremental mode; on 1,000 items that run was most
of a build after one edit.  What it writes for a page does not depend on the other pages: the page's
fragment (its text, filters, metadata), its word count, and each word's locations on it.  So
`index_site()` keeps that per page (`Page`; the pages of the last build in one file of the build cache, each
under the hash of its HTML), runs Pagefind only over the pages whose HTML is new (two runs side by side when
there are many), and `assemble()` writes the bundle from the pages as Pagefind lays it out (1.5.2): pages
numbered in the order of their addresses, words sorted and cut into chunks of about CHUNK_SIZE locations (each
starting at the shortest prefix that tells it from the chunk before), filters from the fragments, every file
named by the hash of its content; plus one chunk of fugi's, for the page's warm-up search (WARM_WORDS), which
reading a bundle back leaves out.  A clean build takes the same path with every page new, so deleting the
cache changes no byte.

The files: gzip of b"pagefind_dcd" + CBOR (the meta index pagefind.<lang>_<hash>.pf_meta, index/*.pf_index,
filter/*.pf_filter) or + JSON (fragment/*.pf_fragment), and pagefind-entry.json.  A word of an index chunk is
[word with its diacritics folded, [[page number − the previous one, locations, metadata locations]],
[[the word as written, its own such pages]]]; locations and metadata locations carry weights and
metadata fields as negative markers (a field by its place in the meta index's list of fields), each location
written as its step from the one before (the first after a marker from 0).  The words themselves are fugi's
(recut, fugi.site.search_words), not Pagefind's: Pagefind reads the pages, fugi cuts their text.
"""
from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import subprocess
from array import array
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import cbor2

from fugi.build.cache import loads_data, notice_bad, seal, unseal
from fugi.build.keys import search_page_key, search_pages_name
from fugi.build.outputs import memory_scratch
from fugi.site import search_words

SIGNATURE = b"pagefind_dcd"
#: The Pagefind whose bundle this code reads and writes (pyproject.toml pins it; another version is refused).
PAGEFIND_VERSION = "1.5.2"
#: The language of the bundle (the pages' lang: Pagefind's script picks the index by it).
LANGUAGE = "ja"
#: The language Pagefind reads the pages as: one it does not cut into words (its Japanese cutting, Lindera, is not
#: used: recut cuts the text by fugi's rules), so its words are the text between white space, the text itself the
#: same; on 1,000 items Pagefind reads the pages 5× faster so.
READ_AS = "und"
#: Locations per index chunk.  Pagefind's own figure is 20,000; fugi's words are pairs of characters, and a query
#: of several pairs fetches a chunk for each: on 1,000 items 4,000 took the median query from 204 KB to 169 KB
#: fetched (the meta index, which lists the chunks, from 12 KB to 19 KB).
CHUNK_SIZE = 4000
#: More new pages than this are indexed by two Pagefind runs side by side (each loads its dictionary: ~1 s).
SPLIT_THRESHOLD = 200
_BODY = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s>=/]")
#: The words search.js searches two dozen times once Pagefind has loaded, so that the browser optimises the code a
#: search with many results runs (2-4× slower before).  Noncharacters: in no page and no query (search.js strips
#: them from what a reader types); their chunk, the only one that search fetches, points at up to WARM_PAGES pages.
WARM_WORDS = ("\ufdd0", "\ufdd0\ufdd2", "\ufdd1")
WARM_PAGES = 100
_BUNDLE_DATA = ("fragment", "index", "filter")


class BundleError(Exception):
    """Pagefind failed, or wrote a bundle this code does not know how to read (the message says which)."""


def decode(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return cbor2.loads(raw[len(SIGNATURE):])


def encode(value) -> bytes:
    """gzip with no name and no time in its header: the same value always gives the same bytes."""
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def content_hash(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


@dataclass
class Page:
    """What Pagefind keeps of one page, ready to be laid into a bundle, in few objects (a build loads ~1,000).

    fragment: the fragment file as Pagefind wrote it, `digest` the SHA-256 of its JSON.  Its words (diacritics
    folded) are `keys`; the CBOR of each one's locations on the page is blob[offsets[i]:offsets[i + 1]] and
    `counts[i]` how many there are.  Rarer parts: `metas` {word: ((metadata field, positions), …)} for words
    that stand in metadata, `variants` {word: ((the word as written, CBOR of its locations, how many, metas), …)}
    (a word in `variants` only has no posting of its own on the page)."""
    url: str
    fragment: bytes
    digest: str
    word_count: int
    filters: dict
    keys: tuple = ()
    blob: bytes = b""
    offsets: array = field(default_factory=lambda: array("I", [0]))
    counts: array = field(default_factory=lambda: array("I"))
    metas: dict = field(default_factory=dict)
    variants: dict = field(default_factory=dict)
    fields: tuple = ()  # the metadata fields its words stand in


@dataclass
class Bundle:
    """Pages read from a Pagefind run, and what every bundle of the same Pagefind carries (version, assets)."""
    pages: dict  # url -> Page
    language: str
    version: str
    entry: dict  # pagefind-entry.json, for its other keys (include_characters …)
    wasm: object
    assets: dict  # name -> bytes: pagefind.js, the WebAssembly, the UI files


def read_bundle(bundle: Path) -> Bundle:
    """Split a bundle Pagefind wrote into its pages (raises BundleError on a layout this code does not know)."""
    bundle = Path(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    if len(entry.get("languages", {})) != 1:
        raise BundleError(f"Pagefind の索引に言語が {len(entry.get('languages', {}))} つあります（1つのはず）")
    (language, info), = entry["languages"].items()
    meta = decode((bundle / f"pagefind.{info['hash']}.pf_meta").read_bytes())
    if len(meta) != 6 or meta[4]:
        raise BundleError("Pagefind の索引の形が想定と違います（Pagefind の版を確かめてください）")
    version, pages_meta, chunks, _filters, _sorts, fields = meta
    if version != PAGEFIND_VERSION:
        raise BundleError(f"Pagefind {version} の索引は読めません（fugi が読めるのは Pagefind {PAGEFIND_VERSION} の形です）: "
                          f"pip install 'pagefind[extended]=={PAGEFIND_VERSION}' で入れ直してください")
    pages, words = [], []
    for name, word_count in pages_meta:
        raw = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
        if not raw.startswith(SIGNATURE):
            raise BundleError(f"Pagefind の断片 {name} が読めません")
        payload = raw[len(SIGNATURE):]
        data = json.loads(payload)
        # Pagefind writes the same fragment file for the same page whatever else it indexes: kept as it is
        pages.append(Page(data["url"], (bundle / "fragment" / f"{name}.pf_fragment").read_bytes(),
                          hashlib.sha256(payload).hexdigest(), word_count, data.get("filters", {})))
        words.append({})
    dumps, used = cbor2.dumps, [set() for _ in pages]
    variants = [{} for _ in pages]
    for _from, _to, name in chunks:
        (chunk,) = decode((bundle / "index" / f"{name}.pf_index").read_bytes())
        for key, postings, more in chunk:
            if key in WARM_WORDS:
                continue
            for number, locs, metas in _absolute(postings):
                words[number][key] = (dumps(locs), len(locs), _named(metas, fields, used[number]) if metas else ())
            for variant, vpostings in more:
                for number, locs, metas in _absolute(vpostings):
                    named = _named(metas, fields, used[number]) if metas else ()
                    variants[number].setdefault(key, []).append((variant, dumps(locs), len(locs), named))
    for page, found, names, extra in zip(pages, words, used, variants):
        page.keys = tuple(found)
        page.blob = b"".join(locs for locs, _, _ in found.values())
        page.offsets = array("I", [0])
        for locs, _, _ in found.values():
            page.offsets.append(page.offsets[-1] + len(locs))
        page.counts = array("I", (count for _, count, _ in found.values()))
        page.metas = {key: named for key, (_, _, named) in found.items() if named}
        page.variants = {key: tuple(sorted(some)) for key, some in extra.items()}
        page.fields = tuple(sorted(names))
    assets = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*"))
              if p.is_file() and p.relative_to(bundle).parts[0] not in _BUNDLE_DATA
              and p.name != "pagefind-entry.json" and p.suffix != ".pf_meta"}
    return Bundle({page.url: page for page in pages}, language, version, entry, info.get("wasm"), assets)


def _absolute(postings):
    number = 0
    for delta, locs, metas in postings:
        number += delta
        yield number, locs, metas


def _named(metas: list, fields: list, used: set) -> tuple:
    """[-1, 3, 5, -2, 0] -> (("kind", (3, 5)), ("title", (0,))): metadata locations by field name (added to `used`)."""
    out, current = [], None
    for value in metas:
        if value < 0:
            current = (fields[-value - 1], [])
            out.append(current)
            used.add(current[0])
        elif current is None:
            raise BundleError("Pagefind のメタデータの位置が想定と違います（Pagefind の版を確かめてください）")
        else:
            current[1].append(value)
    return tuple((name, tuple(positions)) for name, positions in out)


def _head(count: int) -> bytes:
    """The CBOR header of an array of `count` items (definite length, shortest form, as minicbor writes it)."""
    if count < 24:
        return bytes([0x80 + count])
    for code, size in ((0x98, 1), (0x99, 2), (0x9A, 4)):
        if count < 1 << (8 * size):
            return bytes([code]) + count.to_bytes(size, "big")
    return b"\x9b" + count.to_bytes(8, "big")


_EMPTY = _head(0)
_INTS = [cbor2.dumps(i) for i in range(4096)]  # page-number steps, encoded once


def _unique_names(language: str, digests: list, length: int) -> list:
    """A name for each SHA-256 (hex), lengthened where two would collide (as Pagefind does)."""
    names, taken = [], {}
    for digest_ in digests:
        size = length
        while digest_[:size] in taken and taken[digest_[:size]] != digest_:
            size += 1
        taken[digest_[:size]] = digest_
        names.append(f"{language}_{digest_[:size]}")
    return names


def assemble(pages: list, model: Bundle, bundle: Path, previous: Path | None = None) -> None:
    """Write the bundle of `pages` (Page, any order) into `bundle`, laid out as Pagefind lays out its own.

    previous: a bundle written by this function earlier; its index, filter and fragment files are named by the
    hash of their content, so one of the same name holds the same bytes and is linked instead of written."""
    bundle = Path(bundle)

    def put(rel: str, data) -> None:
        """data: the bytes, or a function that makes them (not called when the file is linked)."""
        if previous is not None:
            try:
                os.link(Path(previous) / rel, bundle / rel)
                return
            except OSError:
                pass  # not there (new content), or no links on this disk
        (bundle / rel).write_bytes(data() if callable(data) else data)

    language = model.language
    pages = sorted(pages, key=lambda page: page.url)
    fields = sorted({name for page in pages for name in page.fields})
    index = {name: i for i, name in enumerate(fields)}
    words: dict = {}
    for number, page in enumerate(pages):
        blob, offsets, metas, start = page.blob, page.offsets, page.metas, 0
        for key, end, count in zip(page.keys, islice(offsets, 1, None), page.counts):
            entry = words.get(key)
            if entry is None:
                entry = words[key] = ([], {})
            entry[0].append((number, (blob[start:end], count, metas.get(key, ()) if metas else ())))
            start = end
        for key, some in page.variants.items():
            entry = words.get(key)
            if entry is None:
                entry = words[key] = ([], {})
            for variant, locs, count, named in some:
                entry[1].setdefault(variant, []).append((number, (locs, count, named)))

    warm = set(WARM_WORDS) if pages else set()
    named = (("title", (0,)),) if "title" in index else ()
    for word in warm:
        words[word] = ([(number, (b"\x81\x00", 1, named)) for number in range(min(WARM_PAGES, len(pages)))], {})

    def packed(postings) -> tuple[bytes, int]:
        out, last, size = [_head(len(postings))], 0, 0
        for number, (locs, count, named) in postings:
            metas = _EMPTY
            if named:
                metas = cbor2.dumps([x for name, positions in named for x in (-index[name] - 1, *positions)])
            delta = number - last  # page numbers are stored as steps from the previous posting's
            out += (b"\x83", _INTS[delta] if delta < len(_INTS) else cbor2.dumps(delta), locs, metas)
            last = number
            size += count + 1  # locations and the page: what Pagefind counts towards a chunk's size
        return b"".join(out), size

    chunks, current, size, warming = [], [], 0, False
    for key in sorted(words):
        if (key in warm) != warming and current:  # the warm-up words: a chunk of their own
            chunks.append(current)
            current, size = [], 0
        warming = key in warm
        main, variants = words[key]
        body, weight = packed(main)
        parts = [b"\x83", cbor2.dumps(key), body, _head(len(variants))]
        for variant in sorted(variants):
            more, extra = packed(variants[variant])
            parts += (b"\x82", cbor2.dumps(variant), more)
            weight += extra
        current.append((key, b"".join(parts)))
        size += weight
        if size >= CHUNK_SIZE and not warming:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    # A chunk starts at the shortest prefix of its first word that its predecessor's last word does not reach
    # (a term like はた then finds the chunk of はたち) and ends at its last word.  Pagefind ends a chunk at a
    # prefix of its last word too, which leaves a word longer than that prefix (a chunk of はたち alone, bounded
    # はた–はた) to the browser's fuzzy second look-up, and that takes an earlier chunk: ending at the word itself
    # keeps the chunks' ranges apart (the next one starts past it) and every word in its own.
    bounds = [[chunk[0][0], chunk[-1][0]] for chunk in chunks]
    for left, right in zip(bounds, bounds[1:]):
        right[0] = _prefixes(left[1], right[0])[1]

    for folder in _BUNDLE_DATA:
        (bundle / folder).mkdir(parents=True, exist_ok=True)
    payloads = [_head(1) + _head(len(chunk)) + b"".join(word for _, word in chunk) for chunk in chunks]
    chunk_names = _unique_names(language, [hashlib.sha256(p).hexdigest() for p in payloads], 7)
    for name, payload in zip(chunk_names, payloads):
        put(f"index/{name}.pf_index", lambda payload=payload: gzip.compress(SIGNATURE + payload, 6, mtime=0))
    fragment_names = _unique_names(language, [page.digest for page in pages], 7)
    for name, page in zip(fragment_names, pages):
        put(f"fragment/{name}.pf_fragment", page.fragment)
    filters: dict = {}
    for number, page in enumerate(pages):
        for name, values in page.filters.items():
            for value in values:
                numbers = filters.setdefault(name, {}).setdefault(value, [])
                if not numbers or numbers[-1] != number:
                    numbers.append(number)
    filter_entries = []
    for name in sorted(filters):
        data = encode([name, [[value, filters[name][value]] for value in sorted(filters[name])]])
        filter_hash = content_hash(language, data, 7)
        put(f"filter/{filter_hash}.pf_filter", data)
        filter_entries.append([name, filter_hash])
    meta = encode([model.version, [[name, page.word_count] for name, page in zip(fragment_names, pages)],
                   [[low, high, name] for (low, high), name in zip(bounds, chunk_names)], filter_entries, [], fields])
    meta_hash = content_hash(language, meta, 10)
    put(f"pagefind.{meta_hash}.pf_meta", meta)
    entry = dict(model.entry, languages={language: {"hash": meta_hash, "wasm": model.wasm, "page_count": len(pages)}})
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                                encoding="utf-8")
    for name, data in model.assets.items():
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        (bundle / name).write_bytes(data)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """Two words, each cut to one character past what they share."""
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


def page_url(rel: str) -> str:
    """The address Pagefind gives an HTML file of the site (index.html dropped)."""
    url = "/" + rel
    return url[:-len("index.html")] if url.endswith("/index.html") or url == "/index.html" else url


def index_site(site: Path, bundle: Path, binary: Path, cache_root: Path | None = None, work: Path | None = None,
               stamp: str = "", previous: Path | None = None, html: dict | None = None) -> None:
    """The Pagefind bundle of the site's HTML files into `bundle`.

    With a cache folder, the pages of the previous build are kept in <cache>/search/<stamp>.pickle (one file: one
    read, the words shared between pages), each under the hash of its place and HTML; Pagefind reads only the
    pages not among them.  `stamp` covers what a page's part depends on besides its HTML (Pagefind, fugi);
    `html` ({path under the site: bytes}) the site's HTML files when the caller has read them already."""
    site, bundle = Path(site), Path(bundle)
    if html is None:
        html = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))
                if bundle not in p.parents}
    bodies = {rel for rel, data in html.items() if b"data-pagefind-body" in data and _BODY.search(data)}
    wanted = bodies or set(html)  # Pagefind indexes only data-pagefind-body pages when any page has one
    keys = {rel: search_page_key(stamp, rel, html[rel]) for rel in sorted(wanted)}
    kept = Path(cache_root) / "search" / f"{search_pages_name(stamp)}.pickle" if cache_root else None
    model, before = None, {}
    if kept is not None and kept.is_file():
        data = unseal(kept.read_bytes())  # unpickled only when sealed with this machine's key
        if data is None:
            notice_bad(kept)
            kept.unlink(missing_ok=True)
        try:
            model, before = loads_data(data) if data is not None else (None, {})
        except Exception:  # noqa: BLE001 - an unreadable snapshot is an empty one
            model, before = None, {}
    known = {rel: before[rel][1] for rel, key in keys.items() if rel in before and before[rel][0] == key}
    missing = [rel for rel in keys if rel not in known]
    if missing or model is None:
        with memory_scratch("pagefind", work) as scratch:  # the pages it reads and its bundles: read back, then dropped
            if len(missing) > SPLIT_THRESHOLD:  # two halves, each run and read back in a process of its own
                folders = [Path(scratch) / str(i) for i in range(2)]
                for i, folder in enumerate(folders):
                    _copy_pages(html, missing[i::2], folder / "site")
                # spawned, not forked: this runs beside the thread that copies the site (fugi.site.speed.incremental)
                with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
                    read = list(pool.map(_index_folder, [binary] * 2, folders))
            else:
                folder = Path(scratch) / "0"
                _copy_pages(html, missing, folder / "site")
                read = [_index_folder(binary, folder)]
        model = Bundle({}, LANGUAGE, read[0].version, read[0].entry, read[0].wasm, read[0].assets)
        for rel in missing:
            # None: Pagefind found nothing to index on the page
            known[rel] = next((one.pages[page_url(rel)] for one in read if page_url(rel) in one.pages), None)
    assemble([page for page in known.values() if page is not None], model, bundle, previous)
    if kept is not None and (missing or set(before) != set(keys)):
        kept.parent.mkdir(parents=True, exist_ok=True)
        for other in kept.parent.glob("*.pickle"):
            if other != kept:
                other.unlink(missing_ok=True)  # another Pagefind or fugi: its pages can no longer be used
        tmp = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        tmp.write_bytes(seal(pickle.dumps((model, {rel: (keys[rel], known[rel]) for rel in keys}), protocol=5)))
        tmp.replace(kept)


def _copy_pages(html: dict, rels: list, pages: Path) -> None:
    """The pages to index into a folder of their own (an empty page when there are none: the bundle's assets
    still come from a run)."""
    pages.mkdir(parents=True)
    for rel in rels:
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        (pages / rel).write_bytes(html[rel])
    if not rels:
        (pages / "index.html").write_bytes(b"<!doctype html><html lang=ja><body><main data-pagefind-body>-</main>")


def recut(page: Page) -> Page:
    """A page as Pagefind indexed it, its words cut again by fugi's rules (fugi.site.search_words, the rules
    search.js cuts the query by): the fragment's content in segments (joined by ZWSPs, so the excerpt shows the
    text as it was), and at each segment its word, with the weight Pagefind gave that part of the page (a
    heading's, data-pagefind-weight's); the headings' anchors and the metadata words likewise."""
    data = json.loads(gzip.decompress(page.fragment)[len(SIGNATURE):])
    text, starts = search_words.content_places(data.get("content", ""))
    weights = [None] * len(starts)
    for start, end in zip(page.offsets, page.offsets[1:]):
        _weigh(cbor2.loads(page.blob[start:end]), weights)
    for some in page.variants.values():
        for _variant, locs, _count, _metas in some:
            _weigh(cbor2.loads(locs), weights)
    segs = search_words.segments(text)
    found: dict = {}  # word -> [(weight, segment number)]
    at, place, weight, places = 0, 0, 24, len(starts)
    begins = []  # where each segment begins in the text
    for number, ((piece, _kind, _key), word) in enumerate(zip(segs, search_words.words(segs))):
        while place < places and starts[place] <= at:  # the Pagefind place the segment begins in
            if weights[place] is not None:
                weight = weights[place]
            place += 1
        if word is not None:
            if word in found:
                found[word].append((weight, number))
            else:
                found[word] = [(weight, number)]
        begins.append(at)
        at += len(piece)
    metas: dict = {}
    for name in page.fields:
        value = (data.get("meta") or {}).get(name)
        if not isinstance(value, str):
            continue
        msegs = search_words.segments(value)
        for number, word in enumerate(search_words.words(msegs)):
            if word is not None:
                metas.setdefault(word, {}).setdefault(name, []).append(number)
    keys = sorted(set(found) | set(metas))
    blob, offsets, counts = [], array("I", [0]), array("I")
    for key in keys:
        locs, last = [], None
        for weight, number in found.get(key, ()):  # in order of place; each after the one before it
            if weight != last:
                locs.append(-weight - 1)  # a change of weight; the place after it counts from 0 again
                last, before = weight, 0
            locs.append(number - before)
            before = number
        encoded = cbor2.dumps(locs)
        blob.append(encoded)
        offsets.append(offsets[-1] + len(encoded))
        counts.append(len(locs))  # as read_bundle counts them (weight markers too)
    for anchor in data.get("anchors") or ():
        location = anchor.get("location")
        if isinstance(location, int) and 0 <= location < len(starts):
            anchor["location"] = max(bisect.bisect_right(begins, starts[location]) - 1, 0)  # the segment holding it
    data["content"] = search_words.ZWSP.join(piece for piece, _, _ in segs)
    data["word_count"] = len(segs)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    named = {key: tuple((name, tuple(b - a for a, b in zip([0] + positions, positions)))  # steps, as places
                        for name, positions in sorted(fields.items()))
             for key, fields in metas.items()}
    return Page(page.url, gzip.compress(SIGNATURE + payload, 6, mtime=0), hashlib.sha256(payload).hexdigest(),
                len(segs), page.filters, tuple(keys), b"".join(blob), offsets, counts, named, {},
                tuple(sorted({name for fields in metas.values() for name in fields})))


def _weigh(locs: list, weights: list) -> None:
    """The weight of each place a word's locations name (the highest, where several words stand at one place): a
    negative number sets the weight of the places after it, each place is written as its distance from the one
    before (the first after a weight from 0)."""
    weight, place = 24, 0
    for value in locs:
        if value < 0:
            weight, place = -value - 1, 0
        else:
            place += value
            if place < len(weights) and (weights[place] is None or weights[place] < weight):
                weights[place] = weight  # the place's own word, not the lighter parts Pagefind adds of it


def _index_folder(binary: Path, folder: Path) -> Bundle:
    """Pagefind over folder/site alone, read back page by page, each page's words cut by fugi's rules (recut)."""
    pages, out = folder / "site", folder / "bundle"
    command = [str(binary), "--site", str(pages), "--output-path", str(out), "--force-language", READ_AS, "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (out / "pagefind.js").is_file():
        raise BundleError(f"Pagefind の索引づくりに失敗しました:\n{result.stdout}\n{result.stderr}")
    bundle = read_bundle(out)
    bundle.pages = {url: recut(page) for url, page in bundle.pages.items()}
    return bundle
