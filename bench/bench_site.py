#!/usr/bin/env python3
"""Benchmark the archive site's search: Pagefind against the theme's built-in search, on the same pages.

    python bench/bench_site.py [--items 1000] [--query エアコン ...] [--recall-query クラウド ...] [--keep DIR]
                               [--skip-material]

1. Generates a synthetic archive of N agenda items (default 1,000) from the seed files in content/: every
   item is one of the seed items with its title, department, partners, dates, numbers and a paragraph of
   its text varied, and ~10 items are grouped into each of ~N/10 meetings over seven fiscal years.
2. Builds the site twice from it: as shipped (Pagefind) and with Material's own search plugin instead
   (`lang: ja`, Pagefind off), timing each stage.
3. Serves each build on 127.0.0.1 and, in headless Chromium (Debian's /usr/bin/chromium), opens the home
   page in a fresh browser context (cold cache) and types each query as a reader would (fill, End);
   it records the time from the input event to the first result on screen and the bytes the search
   fetched (Pagefind: /pagefind/*; Material: search_index.json, its worker and lunr files), then a second
   query in the same page (warm); and the recall of each query: the pages the search box's search finds
   against the pages whose indexed text holds the query (also for --recall-query, katakana and compounds).
Targets (Pagefind, issue 11): at most 200 KB fetched and 150 ms to the first result (median of the queries, cold page).
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fugi.pipeline import load_archive  # noqa: E402
from fugi.site import mkdocs_site as site_build  # noqa: E402
from fugi.site.pages import generate_docs  # noqa: E402
from fugi.site.speed.stash import Stash, StashPlugin  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("エアコン", "富士通", "国土交通省", "生活保護", "居住サポート住宅")
#: Recall only (no timing): katakana, compounds and words inside longer words (Pagefind issue #1237).
RECALL_QUERIES = ("クラウド", "クラウドストレージ", "ガバメントクラウド", "クラウドサーバ", "サーバ", "システム", "口座",
                  "振込先口座情報", "口座情報", "個人情報", "再委託", "委託先", "エアコン 委託", "富士通 Japan", "口")
TARGET_BYTES, TARGET_MS = 200 * 1024, 150

# ---------------------------------------------------------------------------
# 1. A synthetic archive from the seeds

TOPICS = ["子育て応援", "高齢者見守り", "防災情報配信", "住民税申告", "国民健康保険", "児童手当", "保育園入園",
          "図書館利用", "粗大ごみ受付", "自転車駐輪場", "区民健診", "予防接種", "障害者福祉", "生活困窮者自立支援",
          "介護予防", "空き家対策", "就労支援", "学童クラブ", "後期高齢者医療", "住宅助成", "ひとり親家庭支援",
          "若者就労", "町会・自治会", "消費生活相談", "文化施設予約", "スポーツ施設予約", "選挙事務", "戸籍事務",
          "犬の登録", "がん検診", "妊婦面談", "給付金支給", "区営住宅", "奨学金", "帰国者支援", "外国人相談"]
ACTIONS = ["電子申請", "オンライン予約", "通知書発送", "システム更改", "データ連携", "コールセンター運営", "窓口受付",
           "名簿管理", "台帳整備", "アンケート集計", "案内状印刷", "封入封緘"]
DEPARTMENTS = [("総務部", ["総務課", "人事課", "契約管財課"]), ("総合政策部", ["企画政策課", "区政情報課", "情報戦略課"]),
               ("地域振興部", ["地域コミュニティ課", "生涯学習スポーツ課"]),
               ("文化観光産業部", ["文化観光課", "産業振興課", "消費生活就労支援課"]),
               ("福祉部", ["地域福祉課", "高齢者支援課", "障害者福祉課", "介護保険課", "生活福祉課"]),
               ("子ども家庭部", ["子ども家庭課", "保育課", "子ども家庭支援課"]),
               ("健康部", ["健康政策課", "保健予防課", "健康づくり課"]), ("環境清掃部", ["ごみ減量リサイクル課"]),
               ("都市計画部", ["住宅課", "景観・まちづくり課"]), ("区民部", ["戸籍住民課", "税務課", "納税課", "医療保険年金課"]),
               ("教育委員会事務局", ["学校運営課", "教育支援課"])]
COMPANIES = ["エヌ・ティ・ティ・データ", "日立システムズ", "アイネス", "TKC", "富士通 Japan", "NEC ネクサソリューションズ",
             "ジーシーシー", "RKKCS", "両備システムズ", "内田洋行", "大日本印刷", "TOPPAN", "ヤマト運輸", "パソナ",
             "ベルシステム24", "トランスコスモス", "アルティウスリンク", "キューアンドエー", "シンポー情報システム",
             "ちばぎんコンピュータサービス", "ファースト", "テプコ・ソリューション・アドバンス", "Box Japan", "サイボウズ",
             "グラファー", "ウイングアーク1st", "新宿データサービス", "東京ビジネスサポート"]
AUTHORITIES = ["国土交通省", "デジタル庁", "こども家庭庁", "厚生労働省", "総務省", "地方公共団体情報システム機構", "東京都",
               "国民健康保険中央会", "日本年金機構", "東京都後期高齢者医療広域連合"]
WORDS = ["申請", "審査", "通知", "照会", "名簿", "台帳", "口座", "受給", "認定", "更新", "届出", "証明書", "交付", "還付",
         "督促", "相談", "訪問", "記録", "集計", "統計", "予約", "抽選", "判定", "面談", "支給", "返還", "登録", "抹消"]
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
DECISIONS = ["承認"] * 18 + ["条件付承認", "継続審議"]
PLACES = ["本庁舎3階 庁議室", "本庁舎6階 第3委員会室", "第一分庁舎7階 会議室"]


def split(path: Path):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


class _NoAliases(yaml.SafeDumper):
    """Write shared lists out each time: fugi refuses YAML anchors and aliases in content."""

    def ignore_aliases(self, data):
        return True


def dump(meta: dict, body: str) -> str:
    front = yaml.dump(meta, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{front}---\n{body}"


def kana_word(rng: random.Random) -> str:
    return "".join(rng.choice(KANA) for _ in range(rng.randint(3, 5)))


def company(rng: random.Random) -> str:
    name = rng.choice(COMPANIES)
    return f"株式会社 {name}" if rng.random() < 0.3 else f"{name}株式会社"


def shift_years(value, years: int):
    """Move a content date ('2026-04-06', '2026-04 中旬', date) by whole years."""
    if isinstance(value, dt.date):
        return value.replace(year=value.year + years, day=min(value.day, 28))
    match = re.match(r"^(\d{4})(.*)$", str(value))
    return f"{int(match.group(1)) + years}{match.group(2)}" if match else value


def vary_agenda(meta: dict, body: str, number: int, rng: random.Random, years: int, status: str):
    meta = dict(meta)
    topic, action = rng.choice(TOPICS), rng.choice(ACTIONS)
    bu, kas = rng.choice(DEPARTMENTS)
    ka = rng.sample(kas, k=min(len(kas), rng.randint(1, 2)))
    categories = "・".join(c for c in ("外部結合", "業務委託", "電算処理") if c in meta)
    meta["件名"] = f"{topic}{action}に係る{categories}について"
    meta["資料番号"] = number
    meta["状態"] = status
    meta["公開"] = True
    meta["担当部課"] = [{"部": bu, "課": ka}]
    overview = dict(meta["事業の概要"])
    overview["事業名"] = f"{topic}事業"
    overview["担当課"] = ka
    meta["事業の概要"] = overview
    renamed = {}

    def partner_list(value, authority=False):
        items = value["一覧"] if isinstance(value, dict) else value
        out = []
        for item in items:
            name = item["名称"] if isinstance(item, dict) else item
            new = renamed.setdefault(name, rng.choice(AUTHORITIES) if authority else company(rng))
            out.append(dict(item, 名称=new) if isinstance(item, dict) else new)
        return dict(value, 一覧=out) if isinstance(value, dict) else out

    for category in ("電算処理", "外部結合", "業務委託", "再委託"):
        if category not in meta:
            continue
        sheet = dict(meta[category])
        sheet["件名"] = f"{topic}{action}に係る{category}について"
        sheet["保有課"] = ka
        sheet["登録業務の名称"] = f"{topic}事業"
        for key in ("結合の相手方", "委託先", "再委託先"):
            if key in sheet:
                sheet[key] = partner_list(sheet[key], authority=key == "結合の相手方")
        for key, value in list(sheet.items()):
            if isinstance(value, list) and value and isinstance(value[0], dict) and "開始" in value[0]:
                sheet[key] = [{**p, **{k: shift_years(p[k], years) for k in ("開始", "終了") if k in p and p[k] != "なし"}}
                              for p in value]
        meta[category] = sheet
    words = "・".join(rng.sample(WORDS, 3))
    names = "、".join(f"{kana_word(rng)}システム" for _ in range(2))
    extra = (f"本事業は{topic}に関する{words}の事務を、{action}により効率化するものである。"
             f"関連するシステムとして{names}がある。\n\n")
    text = dump(meta, extra + body)
    return re.sub(r"資料\d+(?=-\d)", f"資料{number}", text)



def decided(agenda: str, decision: str, rng) -> dict:
    """One deliberated item of a synthetic meeting (a conditional approval states its condition)."""
    item = {"付議事項": agenda, "決定": decision}
    if decision == "条件付承認":
        item["条件"] = f"{rng.choice(WORDS)}の実施状況を年に1回報告すること。"
    return item

def synthetic_content(target: Path, items: int, seed: int = 7) -> Path:
    """content/ with N varied agenda items and their meetings (checklists copied as they are)."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / "content" / "checklists", target / "checklists")
    shutil.copy(ROOT / "content" / "forms.yml", target / "forms.yml")
    (target / "agendas").mkdir(parents=True)
    (target / "meetings").mkdir()
    (target / "images").mkdir()
    seeds = [split(p) for p in sorted((ROOT / "content" / "agendas").glob("*.md"))]
    meeting_meta, meeting_body = split(ROOT / "content" / "meetings" / "2025-05.md")
    per_meeting, first_year = 10, 2019
    meetings = []  # (id, date, number, [(agenda id, its decision)])
    count_meetings = max(1, items // per_meeting)
    per_year = max(1, -(-count_meetings // 7))
    for m in range(count_meetings):
        year = first_year + m // per_year
        month = [5, 6, 7, 9, 10, 11, 12, 1, 2, 3, 4, 8][m % per_year % 12]
        date = dt.date(year + (1 if month <= 3 else 0), month, rng.randint(1, 27))
        meetings.append((f"{date.year}-{m:03d}", date, m % per_year + 1, []))
    for i in range(items):
        meta, body = seeds[i % len(seeds)]
        meeting = meetings[i // per_meeting] if i // per_meeting < len(meetings) and rng.random() < 0.85 else None
        years = (meeting[1].year - 2025) if meeting else rng.randint(-6, 0)
        ident = f"item-{i + 1:04d}"
        decision = rng.choice(DECISIONS) if meeting else None
        status = "決定" if decision and decision != "継続審議" else "提出済"  # continued: not decided yet
        text = vary_agenda(meta, body, i + 1, rng, years, status)
        (target / "agendas" / f"{ident}.md").write_text(text, encoding="utf-8")
        if meeting:
            meeting[3].append((ident, decision))
    for ident, date, number, agendas in meetings:
        meta = dict(meeting_meta)
        meta.update({"回": number, "開催日": date, "場所": rng.choice(PLACES)})
        titled = [{"件名": f"{rng.choice(TOPICS)}{rng.choice(ACTIONS)}の委託について", "決定": "承認"}]
        meta["審議事項"] = titled + [decided(a, decision, rng) for a, decision in agendas]
        meta["発言"] = [{"審議事項": 1, "発言": meeting_meta["発言"][0]["発言"]}]
        advice = f"- {kana_word(rng)}方式の{rng.choice(WORDS)}について、委託先に定期的な確認を求めること。\n\n"
        (target / "meetings" / f"{ident}.md").write_text(dump(meta, advice + meeting_body), encoding="utf-8")
    return target


# ---------------------------------------------------------------------------
# 2. Builds


def build(archive, content: Path, out: Path, search: str) -> dict:
    times = {}
    with tempfile.TemporaryDirectory(prefix="fugi-bench-docs-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        config = site_build.mkdocs_config(docs, out, archive, search)
        stash = Stash()  # as the product builds: raw HTML blocks skip Python-Markdown
        config.plugins["fugi-stash"] = StashPlugin(stash)
        start = time.perf_counter()
        generate_docs(archive, docs, content, None, stash=stash)
        times["pages (Jinja)"] = time.perf_counter() - start
        start = time.perf_counter()
        site_build.run_mkdocs(config)
        times["MkDocs"] = time.perf_counter() - start
    if search == "pagefind":
        start = time.perf_counter()
        site_build.run_pagefind(out)
        times["Pagefind"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    return times


def index_bytes(site: Path, search: str) -> int:
    if search == "pagefind":
        return sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return (site / "search" / "search_index.json").stat().st_size


# ---------------------------------------------------------------------------
# Recall: the pages a search finds against the pages whose indexed text holds the query


def indexed_texts(bundle: Path) -> dict:
    """{page id (its fragment's name): the text Pagefind indexed of it} for a Pagefind bundle (fugi's or
    Pagefind's own): each fragment's content, its segments' cut marks (ZWSP) removed."""
    import json

    texts = {}
    for path in sorted((Path(bundle) / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        texts[path.name[: -len(".pf_fragment")]] = data.get("content", "").replace("\u200b", "")
    return texts


def _letter(char: str) -> bool:
    """A letter or digit of a script written with spaces (a word goes on across it)."""
    from fugi.site.search_words import by_character

    return char.isalnum() and not by_character(char)


def holds(text: str, query: str) -> bool:
    """Whether a text holds every term of a query (split at white space; NFKC, case ignored): a term of Japanese
    anywhere, a term that begins with a Latin letter or digit at the start of a word (Pagefind matches the
    beginnings of words)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).lower()
    for term in unicodedata.normalize("NFKC", query).lower().split():
        at, ok = text.find(term), False
        while at >= 0 and not ok:
            ok = not _letter(term[0]) or at == 0 or not _letter(text[at - 1])
            at = text.find(term, at + 1)
        if not ok:
            return False
    return True


SEARCH_IDS = """
async (query) => {
  const root = new URL(document.querySelector('script[src$="assets/fugi/search.js"]').src);
  const { find } = await import(root.href);
  const pagefind = await import(new URL('../../pagefind/pagefind.js', root).href);
  const found = await find(pagefind, query);
  return found.results.map((r) => r.id);
}
"""


def recall(page, texts: dict, query: str) -> dict:
    """What the search box finds for the query (search.js's find(): `pagefind.search` of the query cut by fugi's
    rules) against the pages whose text holds it: {expected, found, missed, extra, recall}."""
    found = set(page.evaluate(SEARCH_IDS, query))
    expected = {name for name, text in texts.items() if holds(text, query)}
    missed, extra = expected - found, found - expected
    return {"expected": len(expected), "found": len(found & expected), "missed": sorted(missed),
            "extra": len(extra), "recall": len(found & expected) / len(expected) if expected else 1.0}


# ---------------------------------------------------------------------------
# 3. In the browser

OBSERVE = """
() => {
  window.__fugi = {t0: null, t1: null, found: null};
  const input = document.querySelector('.md-search__input');
  input.addEventListener('input', () => { if (window.__fugi.t0 === null) window.__fugi.t0 = performance.now(); }, true);
  const meta = document.querySelector('.md-search-result__meta');
  const list = document.querySelector('.md-search-result__list');
  const check = () => {
    const f = window.__fugi;
    if (f.t0 === null || f.t1 !== null) return;
    if (list.querySelector('li')) { f.t1 = performance.now(); f.found = true; }
    else if (/見つかりませんでした|何も見つかりません/.test(meta.textContent)) { f.t1 = performance.now(); f.found = false; }
  };
  new MutationObserver(check).observe(document.querySelector('.md-search-result'), {childList: true, subtree: true, characterData: true});
}
"""


def is_search_asset(url: str, search: str) -> bool:
    if search == "pagefind":
        return "/pagefind/" in url
    return "search_index.json" in url or "/workers/search" in url or "/lunr/" in url


class Server:
    def __init__(self, directory: Path):
        handler = functools.partial(_Quiet, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"

    def close(self):
        self.httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(browser, url: str, search: str, queries, site: Path, repeat: int = 1) -> list[dict]:
    """Each query `repeat` times, cold (fresh context), then the next query warm in the same page;
    the median and the slowest run are reported."""
    rows = []
    texts = indexed_texts(site / "pagefind") if search == "pagefind" else None
    for index, query in enumerate(queries):
        warm_query = queries[(index + 1) % len(queries)]
        trials = [trial(browser, url, search, query, warm_query, site, texts) for _ in range(repeat)]
        times = sorted(t["first_ms"] for t in trials)
        row = dict(trials[0], first_ms=statistics.median(times), worst_ms=times[-1],
                   warm_ms=statistics.median(t["warm_ms"] for t in trials), runs=repeat)
        rows.append(row)
    return rows


def trial(browser, url: str, search: str, query: str, warm_query: str, site: Path, texts: dict | None = None) -> dict:
    context = browser.new_context()
    page = context.new_page()
    fetched, finished = [], []

    def on_finished(request):
        if is_search_asset(request.url, search):
            finished.append(request)

    def sizes():
        """The bytes of the requests recorded so far, asked for after the timed part: each request.sizes() is a
        round trip to the browser, and asking while the search runs would slow what is being measured."""
        for request in finished:
            try:
                fetched.append((request.url, request.sizes()["responseBodySize"]))
            except Exception:  # noqa: BLE001 - a request that ended with the page
                pass
        finished.clear()

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="load")
    page.evaluate(OBSERVE)
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function("() => window.__fugi.t1 !== null", timeout=300_000)
    first = page.evaluate("() => window.__fugi.t1 - window.__fugi.t0")
    found = page.evaluate("() => window.__fugi.found")
    page.wait_for_timeout(300)
    sizes()
    hits = page.locator(".md-search-result__item").count()
    meta = page.locator(".md-search-result__meta").inner_text().strip()
    cold_bytes = sum(size for _, size in fetched)
    gz = compressed_estimate(site, [u for u, _ in fetched])
    # warm: a second query in the same page
    box.fill("")
    page.wait_for_function("() => !document.querySelector('.md-search-result__list li')", timeout=10_000)
    fetched.clear()
    finished.clear()
    page.evaluate(OBSERVE)
    box.fill(warm_query)
    box.press("End")
    page.wait_for_function("() => window.__fugi.t1 !== null", timeout=300_000)
    warm = page.evaluate("() => window.__fugi.t1 - window.__fugi.t0")
    page.wait_for_timeout(200)
    sizes()
    warm_bytes = sum(size for _, size in fetched)
    found_recall = recall(page, texts, query) if texts is not None else None  # after the timed part
    context.close()
    return {"query": query, "found": found, "hits": hits, "meta": meta, "first_ms": first,
            "bytes": cold_bytes, "gzip_bytes": gz, "warm_ms": warm, "warm_bytes": warm_bytes, "recall": found_recall}


def recall_only(browser, url: str, site: Path, queries) -> list[dict]:
    """Recall of more queries, in one page (no timing)."""
    texts = indexed_texts(site / "pagefind")
    context = browser.new_context()
    page = context.new_page()
    page.goto(url, wait_until="load")
    rows = [dict(recall(page, texts, query), query=query) for query in queries]
    context.close()
    return rows


def compressed_estimate(site: Path, urls) -> int:
    """What the same files would weigh from a server that gzips (Pagefind's files are already compressed)."""
    total = 0
    for url in urls:
        path = site / re.sub(r"^https?://[^/]+/", "", url).split("?")[0]
        if path.is_file():
            data = path.read_bytes()
            total += len(data) if data[:2] == b"\x1f\x8b" or path.suffix == ".pagefind" else len(gzip.compress(data, 6))
    return total


# ---------------------------------------------------------------------------


def recall_text(r) -> str:
    if not r:
        return "-"
    return f"{r['found']}/{r['expected']}" + (f" +{r['extra']}" if r["extra"] else "") + f" {r['recall']:.0%}"


def kb(n) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="synthetic agenda items (default 1000)")
    parser.add_argument("--query", action="append", help=f"queries (default: {' '.join(QUERIES)})")
    parser.add_argument("--recall-query", action="append",
                        help=f"more queries whose recall only is measured (default: {' '.join(RECALL_QUERIES)})")
    parser.add_argument("--keep", type=Path, help="keep the synthetic content and both sites in this folder")
    parser.add_argument("--skip-material", action="store_true", help="only Pagefind")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold runs per query for Pagefind (median and slowest shown; Material runs once)")
    args = parser.parse_args(argv)
    queries = args.query or list(QUERIES)
    work = args.keep or Path(tempfile.mkdtemp(prefix="fugi-bench-site-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(work, args.items, queries, not args.skip_material, max(1, args.repeat),
                   args.recall_query if args.recall_query is not None else RECALL_QUERIES)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, items: int, queries, with_material: bool, repeat: int = 3, recall_queries=RECALL_QUERIES) -> int:
    content = synthetic_content(work / "content", items)
    start = time.perf_counter()
    archive, problems = load_archive(content)
    load_s = time.perf_counter() - start
    if problems.errors:
        for problem in problems.errors[:20]:
            print(problem)
        print(f"synthetic content has {len(problems.errors)} errors")
        return 1
    print(f"synthetic archive: {len(archive.agendas)} agenda items, {len(archive.meetings)} meetings "
          f"(load + validate + checks: {load_s:.1f} s)\n")

    engines = ["pagefind"] + (["material"] if with_material else [])
    builds, sites = {}, {}
    for engine in engines:
        sites[engine] = work / f"site-{engine}"
        builds[engine] = build(archive, content, sites[engine], engine)
    pages = sum(1 for _ in sites["pagefind"].rglob("*.html"))
    print(f"site build ({pages} HTML pages)")
    stages = ["pages (Jinja)", "MkDocs", "Pagefind", "total"]
    print(f"  {'stage':<16}" + "".join(f"{e:>14}" for e in engines))
    for stage in stages:
        print(f"  {stage:<16}" + "".join(f"{builds[e][stage]:>12.1f} s" if stage in builds[e] else f"{'-':>14}"
                                          for e in engines))
    print(f"  {'index on disk':<16}" + "".join(f"{kb(index_bytes(sites[e], e)):>14}" for e in engines))
    print()

    from playwright.sync_api import sync_playwright

    results, more = {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for engine in engines:
            server = Server(sites[engine])
            try:
                results[engine] = measure(browser, server.url, engine, queries, sites[engine],
                                          repeat if engine == "pagefind" else 1)
                if engine == "pagefind":
                    more = recall_only(browser, server.url, sites[engine], [q for q in recall_queries if q not in queries])
            finally:
                server.close()
        browser.close()

    print("search in headless Chromium: a fresh browser context per run (cold cache); 'first result' is from the")
    print("input event to the first result on screen (median of the runs; slowest run beside it); 'fetched' counts")
    print("every search file the page loaded until then (Pagefind: /pagefind/*, including what it loads with the page")
    print("and its warm-up chunk; Material: its worker, lunr and search_index.json); '(gzip)': the same from a gzip server.")
    print("'recall': the pages search.js's find() gets from Pagefind for the query that hold it, of the pages whose")
    print("indexed text holds it (and, after '+', pages found that do not).")
    head = f"  {'engine':<9} {'query':<10} {'results':>8} {'recall':>16} {'first result':>13} {'slowest':>9} {'fetched':>10}" \
           f" {'(gzip)':>10} {'warm next':>10} {'warm bytes':>11}"
    print(head)
    for engine in engines:
        for row in results[engine]:
            hits = "0 (なし)" if row["found"] is False else f"{row['hits']}"
            slowest = f"{row['worst_ms']:>6.0f} ms" if row["runs"] > 1 else f"{'-':>9}"
            print(f"  {engine:<9} {row['query']:<10} {hits:>8} {recall_text(row['recall']):>16} {row['first_ms']:>10.0f} ms"
                  f" {slowest} {kb(row['bytes']):>10}"
                  f" {kb(row['gzip_bytes']):>10} {row['warm_ms']:>7.0f} ms {kb(row['warm_bytes']):>11}")
    if more:
        print("\nrecall of more queries (katakana, compounds, words inside longer words; no timing):")
        for row in more:
            print(f"  {row['query']:<16} {recall_text(row):>16}")
    pf = results["pagefind"]
    every = [r["recall"] for r in pf] + more
    print(f"\nPagefind recall: {sum(r['found'] for r in every)}/{sum(r['expected'] for r in every)} pages over "
          f"{len(every)} queries ({'100 %' if all(r['recall'] == 1.0 for r in every) else 'NOT 100 %'}; "
          f"pages found that do not hold the query: {sum(r['extra'] for r in every)})")
    median_bytes, median_ms = statistics.median(r["bytes"] for r in pf), statistics.median(r["first_ms"] for r in pf)
    worst_bytes, worst_ms = max(r["bytes"] for r in pf), max(r["first_ms"] for r in pf)
    print()
    print(f"Pagefind, median of the queries: {kb(median_bytes)} fetched (target ≤ {kb(TARGET_BYTES)}), "
          f"{median_ms:.0f} ms to the first result (target ≤ {TARGET_MS} ms) → "
          f"{'met' if median_bytes <= TARGET_BYTES and median_ms <= TARGET_MS else 'NOT met'}; "
          f"worst query {kb(worst_bytes)}, {worst_ms:.0f} ms; slowest single run {max(r['worst_ms'] for r in pf):.0f} ms")
    if with_material:
        mt = results["material"]
        ratio_b = sum(r["bytes"] for r in mt) / max(1, sum(r["bytes"] for r in pf))
        ratio_t = sum(r["first_ms"] for r in mt) / max(1, sum(r["first_ms"] for r in pf))
        found_m = sum(1 for r in mt if r["found"])
        found_p = sum(1 for r in pf if r["found"])
        print(f"Material / Pagefind: {ratio_b:,.0f}× the bytes, {ratio_t:,.1f}× the time to first results; "
              f"queries with results: Pagefind {found_p}/{len(pf)}, Material {found_m}/{len(mt)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
