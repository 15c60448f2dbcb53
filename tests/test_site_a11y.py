"""The archive for every reader (JIS X 8341-3 level AA): axe-core (WCAG 2.0/2.1 A and AA, from the npm package,
never fetched at run time) finds nothing on any page kind at desktop and phone width; the checklist marks speak;
the search box and the skip link work from the keyboard alone.  Debian's Chromium through Playwright."""
from __future__ import annotations

import re

import pytest

import sitebuild
from browsing import (DESKTOP, PHONE, base, browser, describe_violations, needs_chromium, run_axe,  # noqa: F401
                      serve, site_pages, AXE, AXE_TAGS)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
SEARCH = "search:生活保護"  # the home page with the search box open on this query's results
PAGE_KINDS = ["", "meetings/", "meetings/2025-05/", "agendas/", "agendas/kaigo-hoken-hyojunka/",
              "agendas/nyuji-tsuen-shien/", "browse/", "browse/category/", "browse/department/", "browse/partner/",
              "browse/year/", "browse/info-items/", "agendas/kyoju-support-system/", "catalog/", "data/", "glossary/",
              "accessibility/", "404.html",
              SEARCH]


@pytest.fixture(scope="module")
def pages(browser):
    """One browser page per width, reused across tests (a page load is cheap, a context is not)."""
    opened = {name: browser.new_page(viewport=size) for name, size in WIDTHS.items()}
    errors = []
    for page in opened.values():
        page.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    for page in opened.values():
        page.close()
    assert errors == [], errors


@pytest.fixture(autouse=True)
def search_settled(request):
    """After a test that made a page start loading the search (focus loads it), wait until it has loaded: the next
    test's navigation would otherwise cut Pagefind's requests short and its error would be charged to the page."""
    yield
    if "pages" not in request.fixturenames:
        return
    for page in request.getfixturevalue("pages").values():
        started = "() => performance.getEntriesByType('resource').some((e) => e.name.includes('/pagefind/pagefind.js'))"
        if not page.is_closed() and page.evaluate(started):
            page.wait_for_selector("[data-fugi-search-warm]", state="attached", timeout=15000)


def open_search(page, query: str) -> None:
    """Open the search box as a reader does (the header button on a phone, the box itself on a desktop),
    type the query and wait for its results."""
    trigger = page.locator("[data-fugi-search-open]")
    if trigger.is_visible():
        trigger.click()
    else:
        page.locator("[data-fugi-search-input]").click()
    box = page.locator("[data-fugi-search-input]")
    box.fill(query)
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('[data-fugi-search-list] li').length > 0", timeout=15000)
    page.wait_for_timeout(300)  # the overlay's opening transition


def test_every_page_kind_is_in_the_list(base):
    """A new kind of page must be added to PAGE_KINDS (or this list of what the site has will fail)."""
    built = set(site_pages(sitebuild.archive_site()))
    kinds = {re.sub(r"^(agendas|meetings)/[^/]+/$", r"\1/*/", p) for p in built}
    listed = {re.sub(r"^(agendas|meetings)/[^/]+/$", r"\1/*/", p) for p in PAGE_KINDS if p != SEARCH}
    assert kinds == listed


#: The results of test_axe_finds_no_violations, kept for the site's accessibility page (fugi/site/accessibility.py
#: reads it at build time): written when every page kind has been checked at every width, without a date, so the
#: file changes only when the results do.
RESULTS = sitebuild.CONTENT / "accessibility" / "axe-results.json"


@pytest.fixture(scope="module")
def recorded():
    found = {}
    yield found
    if len(found) == len(PAGE_KINDS) * len(WIDTHS):
        import json

        version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
        rows = [{"page": "検索結果を開いた状態" if path == SEARCH else "/" + path, "width": WIDTHS[width]["width"],
                 "violations": count} for (path, width), count in sorted(found.items(), key=lambda kv: (
                     PAGE_KINDS.index(kv[0][0]), -WIDTHS[kv[0][1]]["width"]))]
        document = {"tool": f"axe-core {version}", "rules": AXE_TAGS, "test": "tests/test_site_a11y.py",
                    "results": rows}
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        if not RESULTS.is_file() or RESULTS.read_text(encoding="utf-8") != text:
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(text, encoding="utf-8")


@pytest.mark.xdist_group("axe")  # on one worker: `recorded` writes the results once every page kind is checked
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_KINDS)
def test_axe_finds_no_violations(pages, base, width, path, recorded):
    page = pages[width]
    if path == SEARCH:
        page.goto(base)
        open_search(page, path.split(":", 1)[1])
    else:
        page.goto(base + path)
    violations = run_axe(page)
    recorded[(path, width)] = sum(len(v["nodes"]) for v in violations)
    assert violations == [], f"/{path} ({width}):\n" + describe_violations(violations)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_on_an_added_row_and_hostile_text(browser, width):
    """No seed item has a row added to the standard checklist: the planted item does (and text full of
    markup), so the 「標準にない行」 badge is checked too."""
    server = serve(sitebuild.planted_site())
    page = browser.new_page(viewport=WIDTHS[width])
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/agendas/{sitebuild.HOSTILE_ID}/")
        assert page.locator("tr.fugi-row--added .fugi-badge").inner_text() == "標準にない行"
        violations = run_axe(page)
    finally:
        page.close()
        server.shutdown()
    assert violations == [], describe_violations(violations)


# ---------------------------------------------------------------------------
# What a screen reader says in a checklist


def test_marks_speak_and_group_rows_are_row_headers(pages, base):
    page = pages["desktop"]
    page.goto(base + "agendas/nyuji-tsuen-shien/")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    tables = page.locator("table.fugi-checklist")
    spoken = "\n".join(tables.nth(i).aria_snapshot() for i in range(tables.count()))
    marks = page.locator("table.fugi-checklist .fugi-mark")
    glyphs = [m.replace("対策あり", "").replace("対策の必要なし", "") for m in marks.all_text_contents()]
    assert set(glyphs) == {"○", "－"}
    # every mark is read as words, never as the bare glyph
    said = re.findall(r'(?:cell "|listitem: )(対策あり|対策の必要なし|○|－)', spoken)
    assert said.count("対策あり") == glyphs.count("○") and said.count("対策の必要なし") == glyphs.count("－") >= 1
    assert "○" not in spoken
    assert 'rowheader "区が行う情報保護対策【運用上の対策】"' in spoken
    assert 'rowheader "結合先に行わせる情報保護対策【システム上の対策】"' in spoken
    # each group is a row group headed by its own first row
    groups = page.evaluate("""() => [...document.querySelectorAll('.fugi-checklist__group th')].map(th =>
        [th.scope, th.closest('tr') === th.closest('tbody').rows[0]])""")
    assert groups and all(g == ["rowgroup", True] for g in groups), groups


def test_legends_show_the_mark_the_cells_use(pages, base):
    """The originals' legend prints an ASCII 「-」 beside cells marked 「－」: the site shows 「－」 (display
    only; the catalog keeps the original's text for Word)."""
    page = pages["desktop"]
    for path in ("agendas/nyuji-tsuen-shien/", "agendas/kaigo-hoken-hyojunka/", "catalog/"):
        page.goto(base + path)
        legends = page.locator(".fugi-checklist__legend").all_inner_texts()
        assert legends, path
        for legend in legends:
            assert "「-」" not in legend and "「－」" in legend, (path, legend)
    catalog = (sitebuild.CONTENT / "checklists" / "gaibu-ketsugo.yml").read_text(encoding="utf-8")
    assert "対策の必要がない場合は「-」" in catalog


def test_changed_wording_is_marked_in_words_not_only_colour(pages, base):
    page = pages["phone"]
    page.goto(base + "agendas/aircon-josei/")
    rows = page.locator("tr.fugi-row--differs")
    assert rows.count() == 2
    for i in range(rows.count()):
        row = rows.nth(i)
        badge = row.locator(".fugi-badge")
        assert badge.is_visible() and badge.inner_text() == "文言が標準と異なる"
        assert "標準の文言: " in row.inner_text()
        # and an edge beside the mark, which survives printing in black and white
        assert row.locator("td.fugi-mark").evaluate("td => getComputedStyle(td).boxShadow") != "none"
    not_needed = page.locator("tr.fugi-row--not-needed")
    for i in range(not_needed.count()):
        assert "対策の必要なし" in not_needed.nth(i).inner_text()


# ---------------------------------------------------------------------------
# Keyboard only

TAB_STOP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {done: true};
  const r = el.getBoundingClientRect();
  const name = `${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]} 「${(el.textContent || '').trim().slice(0, 24)}」`;
  const visible = el.checkVisibility({opacityProperty: true, visibilityProperty: true}) && r.width > 0 && r.height > 0
      && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const onTop = !!hit && (hit === el || el.contains(hit) || hit.contains(el) || (el.labels && [...el.labels].includes(hit)));
  return {done: false, name, ok: visible && onTop, visible, onTop, inert: !!el.closest('[inert]')};
}"""


def tab_through(page, limit: int = 300) -> list[str]:
    """Press Tab until the focus leaves the page; returns the stops that were hidden or covered."""
    hidden, first = [], None
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_STOP)
        if stop["done"]:
            return hidden
        if first is None:
            first = stop["name"]
        elif stop["name"] == first:
            return hidden
        if not stop["ok"]:
            page.wait_for_timeout(400)  # a transition (the skip link fading in, an overlay fading out)
            stop = page.evaluate(TAB_STOP)
            if not stop["ok"]:
                hidden.append(f"{stop['name']} visible={stop['visible']} onTop={stop['onTop']}")
    raise AssertionError(f"Tab が {limit} 回で一巡しません")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "agendas/", "agendas/nyuji-tsuen-shien/", "meetings/2025-05/"])
def test_every_tab_stop_is_visible(pages, base, width, path):
    page = pages[width]
    page.goto(base + path)
    assert tab_through(page) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "agendas/kaigo-hoken-hyojunka/", "meetings/2025-05/", "data/", "browse/partner/"])
def test_skip_link_lands_on_the_title(pages, base, width, path):
    page = pages[width]
    page.goto(base + path)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    title = page.evaluate("""() => { const h = document.activeElement, r = h.getBoundingClientRect();
        return {id: h.id, top: r.top, header: document.querySelector('.md-header').getBoundingClientRect().bottom,
                first: h === document.querySelector('.md-content h1')}; }""")
    assert title["first"] and title["top"] >= title["header"] - 1, title
    # the next Tab goes on from the title, not from the top of the page or past the item's facts
    page.keyboard.press("Tab")
    assert page.evaluate("""() => !!(document.querySelector('.md-content h1').compareDocumentPosition(document.activeElement)
                                     & Node.DOCUMENT_POSITION_FOLLOWING)""")


def search_state(page) -> dict:
    return page.evaluate("""() => ({
        open: document.getElementById('__search').checked,
        output_inert: document.querySelector('.fugi-search .md-search__output').inert,
        focus: document.activeElement.matches('[data-fugi-search-input]') ? 'input'
             : document.activeElement.matches('[data-fugi-search-open]') ? 'opener'
             : document.activeElement.closest('.fugi-search') ? 'in-box' : document.activeElement.tagName})""")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_closes_with_escape_and_gives_the_focus_back(pages, base, width):
    page = pages[width]
    page.goto(base + "agendas/")
    # reach the search with Tab alone: the box itself (desktop) or the header's search button (phone)
    for _ in range(10):
        page.keyboard.press("Tab")
        if search_state(page)["focus"] in ("input", "opener"):
            break
    state = search_state(page)
    assert not state["open"]  # Tab alone does not open it
    if width == "phone":
        assert state["focus"] == "opener"
        page.keyboard.press("Enter")
        assert search_state(page)["focus"] == "input" and search_state(page)["open"]
    assert search_state(page)["focus"] == "input"
    page.keyboard.type("富士通")
    assert search_state(page)["open"]
    page.wait_for_function("() => document.querySelectorAll('[data-fugi-search-list] li').length > 0", timeout=15000)
    page.keyboard.press("ArrowDown")  # into the results
    assert search_state(page)["focus"] == "in-box"
    page.keyboard.press("Escape")
    state = search_state(page)
    assert not state["open"] and state["output_inert"]
    assert state["focus"] == ("input" if width == "desktop" else "opener"), state
    # closed, nothing of it is a Tab stop any more
    assert tab_through(page) == []
    assert page.evaluate("() => !document.getElementById('__search').checked")


def test_leaving_the_search_with_tab_closes_it(pages, base):
    page = pages["desktop"]
    page.goto(base)
    page.locator("[data-fugi-search-input]").click()
    assert search_state(page)["open"]
    for _ in range(12):
        page.keyboard.press("Tab")
        if search_state(page)["focus"] not in ("input", "in-box"):
            break
    state = search_state(page)
    assert not state["open"] and state["output_inert"], state


def test_tab_passes_through_the_header_search_in_one_stop(pages, base):
    """At 1280 px the search box sits in the header of every page: Tab stops on it once and goes on to the page;
    it used to open the search on focus, and its filters and results added five Tab stops."""
    page = pages["desktop"]
    page.goto(base + "agendas/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if search_state(page)["focus"] == "input":
            break
    assert search_state(page) == {"open": False, "output_inert": True, "focus": "input"}
    page.keyboard.press("Tab")
    state = search_state(page)
    assert state["focus"] not in ("input", "in-box") and not state["open"], state
    assert page.evaluate("() => !document.activeElement.closest('.md-header')")  # on to the page


def test_focus_is_visible_on_the_search_box_and_on_a_result(pages, base):
    page = pages["desktop"]
    page.goto(base)
    for _ in range(10):
        page.keyboard.press("Tab")
        if search_state(page)["focus"] == "input":
            break
    outline = "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    style, width = page.evaluate(outline)
    assert style != "none" and float(width.rstrip("px")) >= 1.5, (style, width)
    page.keyboard.type("富士通")
    page.wait_for_selector("[data-fugi-search-list] li")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.matches('.md-search-result__link')")
    style, width = page.evaluate(outline)
    assert style != "none" and float(width.rstrip("px")) >= 1.5, (style, width)


def test_show_more_moves_the_focus_to_the_first_added_result(pages, base):
    """After 「さらに表示」 shows the last results, its button is hidden: the focus goes to the first result it added,
    not to the page under the open search."""
    page = pages["desktop"]
    page.goto(base)
    page.locator("[data-fugi-search-input]").click()
    page.keyboard.type("の")  # a character on every page: more results than the first five
    page.wait_for_function("() => document.querySelectorAll('[data-fugi-search-list] li').length === 5")
    more = page.locator("[data-fugi-search-more]")
    assert more.is_visible()
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('[data-fugi-search-list] li').length > 5")
    page.wait_for_function("() => document.activeElement !== document.querySelector('[data-fugi-search-more]')")
    assert page.evaluate("""() => document.activeElement ===
        document.querySelectorAll('[data-fugi-search-list] li')[5].querySelector('a')""")
    assert search_state(page)["open"]


def test_phone_menu_opens_and_closes_from_the_keyboard(pages, base):
    page = pages["phone"]
    page.goto(base + "agendas/")
    assert page.evaluate("() => document.querySelector('.md-sidebar--primary').inert")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('[data-fugi-drawer-open]')")
    assert page.get_attribute("[data-fugi-drawer-open]", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.get_attribute("[data-fugi-drawer-open]", "aria-expanded") == "true"
    stop = page.evaluate(TAB_STOP)
    assert stop["ok"] and page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary')"), stop
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.matches('[data-fugi-drawer-open]')")
    assert page.evaluate("() => !document.getElementById('__drawer').checked"
                         " && document.querySelector('.md-sidebar--primary').inert")


# ---------------------------------------------------------------------------
# A council's decades: a sample of the 1,000-item synthetic archive (the benchmark's)


def large_sample(site) -> list[str]:
    """Every list and browse page, and a spread of item and meeting pages (the first, the last, every 250th)."""
    pages = site_pages(site)
    items = [p for p in pages if re.fullmatch(r"agendas/[^/]+/", p)]
    meetings = [p for p in pages if re.fullmatch(r"meetings/[^/]+/", p)]
    lists = [p for p in pages if re.search(r"/page\.\d+/$", p)]  # the pages of long lists: the 2nd of each and the last
    items = [p for p in items if p not in lists]
    later = [p for p in lists if p.endswith("/page.2/") or not any(
        q.startswith(p.rsplit("page.", 1)[0]) and int(q.rsplit("page.", 1)[1][:-1]) > int(p.rsplit("page.", 1)[1][:-1])
        for q in lists)]
    fixed = [p for p in pages if not re.fullmatch(r"(agendas|meetings)/[^/]+/", p) and p not in lists]
    return fixed + later + items[::250] + items[-1:] + meetings[::40] + meetings[-1:]


@pytest.fixture(scope="module")
def large(browser):
    site = sitebuild.synthetic_site(1000)
    server = serve(site)
    yield f"http://127.0.0.1:{server.server_port}/", large_sample(site)
    server.shutdown()


@pytest.mark.slow
@pytest.mark.xdist_group("archive1000")  # the tests sharing sitebuild.synthetic_site(1000) run on one worker
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_on_a_1000_item_archive(browser, large, width):
    from test_site_layout import SIDEWAYS

    root, sample = large
    assert len(sample) > 20 and "agendas/" in sample
    page = browser.new_page(viewport=WIDTHS[width])
    found, sideways = [], []
    try:
        for path in sample:
            page.goto(root + path)
            violations = run_axe(page)
            if violations:
                found.append(f"/{path} ({width}):\n" + describe_violations(violations))
            where = page.evaluate(SIDEWAYS)
            if width == "phone" and (where["page"] > where["screen"] or where["wide"]):
                sideways.append(f"/{path}: {where}")
        page.goto(root)
        open_search(page, "システム")
        violations = run_axe(page)
        if violations:
            found.append(f"search ({width}):\n" + describe_violations(violations))
    finally:
        page.close()
    assert found == [], "\n".join(found)
    assert sideways == []
