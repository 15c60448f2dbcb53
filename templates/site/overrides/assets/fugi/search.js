// fugi: the header search box, in Material's look, driven by Pagefind (pagefind/pagefind.js, same origin).
// Pagefind loads only the index chunks and result fragments a query needs; the extended build segments
// Japanese, so 「居住サポート住宅」 or 「生活保護」 are found inside longer words.
const ROOT = new URL("../../", import.meta.url);
const PAGE = 5; // results shown at first (as Pagefind's own UI): each needs its page's fragment; 「さらに表示」 adds more
// The filters, their value order and the placeholder come from the form definition (content/forms.yml),
// written into the search box's data attributes by the build: no council's words live in this file.
const BOX = document.querySelector("[data-fugi-search]");
const FILTERS = BOX ? JSON.parse(BOX.dataset.fugiFilters || "[]") : [];
const PLACEHOLDER = BOX ? BOX.dataset.fugiPlaceholder || "" : "";
const ORDER = Object.fromEntries(FILTERS.filter((f) => f.order).map((f) => [f.name, f.order]));
const BY_YEAR = new Set(FILTERS.filter((f) => f.sort === "year").map((f) => f.name));
const ERAS = { 令和: 2018, 平成: 1988, 昭和: 1925 };
const COLLATE = new Intl.Collator("ja").compare; // one collator for every sort (localeCompare makes one per call)
const WIDEN = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]{3,}$/u;
// The warm-up search (see warmUp): noncharacters, the words of a chunk of their own in the index (fugi's
// search_index.WARM_WORDS).  They are in no page, and stripped from what a reader types.
const WARM_QUERY = "\uFDD0 \uFDD1";
const WARM_RUNS = 24;
const NONCHARACTERS = /[\uFDD0-\uFDEF]/gu;
// a task of its own, after whatever the page has to do first (rendering, the reader's keys)
const later = window.scheduler && window.scheduler.postTask
  ? (callback) => window.scheduler.postTask(callback, { priority: "background" })
  : (callback) => setTimeout(callback, 0);

if (BOX) setup(BOX);

function setup(box) {
  const toggle = document.getElementById("__search");
  const opener = document.querySelector("[data-fugi-search-open]"); // the header's button (phone)
  const closer = box.querySelector("[data-fugi-search-close]");
  const inner = box.querySelector(".md-search__inner");
  const output = box.querySelector(".md-search__output");
  const wide = window.matchMedia("(min-width: 60em)"); // Material's breakpoint: the box sits in the header
  const form = box.querySelector("form");
  const input = box.querySelector("[data-fugi-search-input]");
  const meta = box.querySelector("[data-fugi-search-meta]");
  const list = box.querySelector("[data-fugi-search-list]");
  const moreButton = box.querySelector("[data-fugi-search-more]");
  const selects = [...box.querySelectorAll("select[data-fugi-filter]")];
  let loading = null;
  let seq = 0;
  let searched = false; // a reader's search has run: the warm-up stops
  let lastKey = null;
  let results = []; // {result, mustContain}: Pagefind results, then the widened ones (see widen)
  let shown = 0;
  let exact = 0;
  let widened = 0;

  let lastCounts = null;
  let filtersLoading = null;

  // Pagefind's script and its WebAssembly (~115 KB, cached by the browser) load when the reader is about to
  // search (see the end of setup), so the first query only fetches the index chunk and the fragments it needs.
  function load() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", ROOT).href).then(async (pagefind) => {
        // no worker: it would be one more script to fetch before the first result; searching is cheap
        await pagefind.options({ baseUrl: ROOT.pathname, excerptLength: 24, noWorker: true });
        await pagefind.init();
        if (typeof Intl.Segmenter !== "undefined") {
          // Pagefind cuts a Japanese query with it; its dictionary loads on first use
          [...new Intl.Segmenter("ja", { granularity: "word" }).segment("検索の準備")];
        }
        await loaded(pagefind);
        later(() => warmUp(pagefind, () => searched).then((runs) => { box.dataset.fugiSearchWarm = String(runs); }));
        return pagefind;
      });
      loading.catch(() => {
        meta.textContent = "検索の準備ができませんでした。ページを再読み込みしてください。";
        loading = null;
      });
    }
    return loading;
  }

  // the filter lists load when the search box opens, beside the first search, never in front of it
  function loadFilters() {
    if (!filtersLoading) {
      filtersLoading = load().then((pagefind) => pagefind.filters()).then((all) => {
        fillFilters(all);
        if (lastCounts) updateCounts(lastCounts);
        return all;
      });
      filtersLoading.catch(() => { filtersLoading = null; });
    }
    return filtersLoading;
  }

  // Keyboard safety: whatever is not shown is inert (no Tab stop lands on it): the results and filters
  // while the box is closed, and on a phone the whole box until the header's button opens it.
  function isOpen() {
    return !toggle || toggle.checked;
  }

  function sync() {
    const shown = isOpen();
    output.inert = !shown;
    inner.inert = !shown && !wide.matches;
    if (opener) opener.setAttribute("aria-expanded", String(shown));
  }

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
    sync();
    loadFilters();
  }

  // Esc, the back arrow, leaving the box: close; the focus goes back to the box (desktop) or to the
  // header's search button (phone), never into the hidden overlay or nowhere.
  let closing = false;
  function close(restoreFocus = true) {
    if (toggle) toggle.checked = false;
    closing = true;
    if (restoreFocus) (wide.matches || !opener ? input : opener).focus();
    sync();
    closing = false;
  }

  function currentFilters() {
    const filters = {};
    for (const select of selects) {
      if (select.value) filters[select.dataset.fugiFilter] = [select.value];
    }
    return filters;
  }

  function sortValues(name, values) {
    if (ORDER[name]) {
      const rank = (v) => (ORDER[name].includes(v) ? ORDER[name].indexOf(v) : 99);
      return values.sort((a, b) => rank(a) - rank(b) || COLLATE(a, b));
    }
    if (BY_YEAR.has(name)) {
      const year = (v) => {
        const m = v.match(/^(令和|平成|昭和)(元|\d+)年度/);
        return m ? ERAS[m[1]] + (m[2] === "元" ? 1 : Number(m[2])) : -1;
      };
      return values.sort((a, b) => year(b) - year(a));
    }
    return values.sort(COLLATE);
  }

  function fillFilters(all) {
    for (const select of selects) {
      const name = select.dataset.fugiFilter;
      const counts = (all && all[name]) || {};
      const current = select.value;
      select.replaceChildren(new Option("すべて", ""));
      for (const value of sortValues(name, Object.keys(counts))) {
        const option = new Option(`${value}（${counts[value]}）`, value);
        option.dataset.value = value;
        select.append(option);
      }
      select.value = current;
      select.closest("label").hidden = Object.keys(counts).length === 0;
    }
  }

  function updateCounts(counts) {
    if (!counts) return;
    for (const select of selects) {
      const name = select.dataset.fugiFilter;
      for (const option of select.options) {
        if (!option.value) continue;
        const n = (counts[name] && counts[name][option.value]) || 0;
        option.textContent = `${option.value}（${n}）`;
      }
    }
  }

  async function run(force = false) {
    const query = input.value.replace(NONCHARACTERS, "").trim();
    const filters = currentFilters();
    const key = JSON.stringify([query, filters]);
    if (key === lastKey && !force) return;
    lastKey = key;
    const my = ++seq;
    if (!query && Object.keys(filters).length === 0) {
      results = [];
      list.replaceChildren();
      meta.textContent = PLACEHOLDER;
      moreButton.parentElement.hidden = true;
      lastCounts = null;
      const all = await loadFilters();
      if (my === seq) fillFilters(all);
      return;
    }
    searched = true;
    const pagefind = await load();
    const search = await pagefind.search(query || null, { filters });
    if (my !== seq) return;
    results = ((search && search.results) || []).map((result) => ({ result, mustContain: null }));
    exact = results.length;
    widened = 0;
    shown = 0;
    list.replaceChildren();
    const widenable = WIDEN.test(query);
    if (exact || !widenable) showCount(query);
    else meta.textContent = "検索しています…"; // "nothing found" only once the wider search is done too
    lastCounts = search && search.filters;
    updateCounts(lastCounts);
    await showMore(my);
    if (widenable) await widen(pagefind, query, filters, my);
  }

  function showCount(query) {
    if (!exact && !widened) {
      meta.textContent = "何も見つかりませんでした";
    } else if (!widened) {
      meta.textContent = `${exact}件見つかりました`;
    } else if (!exact) {
      meta.textContent = `「${query}」を長い言葉の一部に含む候補が見つかりました（${widened}件）`;
    } else {
      meta.textContent = `${exact}件見つかりました。「${query}」を長い言葉の一部に含む候補も続けて表示します（${widened}件）`;
    }
  }

  // Pagefind cuts Japanese into words one way when indexing and another way when searching: a page may
  // hold クラウドサーバ as one word, so 「クラウド」 alone misses it (Pagefind issue #1237).  Searching the
  // query without its last character lets Pagefind match every word that begins with it; those extra
  // pages are shown after the direct results, and only when their text really contains the query.
  async function widen(pagefind, query, filters, my) {
    const wider = await pagefind.search(query.slice(0, -1), { filters });
    if (my !== seq || !wider) return;
    const known = new Set(results.map((r) => r.result.id));
    const extra = wider.results.filter((result) => !known.has(result.id));
    if (!extra.length) {
      showCount(query);
      return;
    }
    results.push(...extra.map((result) => ({ result, mustContain: query })));
    widened = extra.length;
    showCount(query);
    if (list.children.length < PAGE) await showMore(my, PAGE - list.children.length);
    else moreButton.parentElement.hidden = shown >= results.length;
    if (my === seq && !list.children.length && shown >= results.length) meta.textContent = "何も見つかりませんでした";
  }

  async function showMore(my, want = PAGE) {
    // the first result is shown as soon as its fragment arrives; the others follow in order
    let added = 0;
    let checked = 0; // widened candidates read in this call (one fragment each), bounded
    while (added < want && shown < results.length && checked < 3 * PAGE) {
      const batch = results.slice(shown, shown + (want - added));
      shown += batch.length;
      const pending = batch.map((r) => r.result.data());
      for (let i = 0; i < batch.length; i++) {
        const data = await pending[i];
        if (my !== seq) return;
        if (batch[i].mustContain) {
          checked++;
          if (!(data.content || "").includes(batch[i].mustContain)) continue;
        }
        list.append(renderItem(data));
        added++;
      }
    }
    moreButton.parentElement.hidden = shown >= results.length;
  }

  input.addEventListener("focus", () => {
    if (!closing) open();
  });
  input.addEventListener("input", (event) => {
    if (!isOpen()) open();
    if (!event.isComposing) run();
  });
  input.addEventListener("compositionend", () => run());
  input.addEventListener("keyup", (event) => {
    if (!event.isComposing) run();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      if (!isOpen()) open();
      const first = list.querySelector("a");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const index = links.indexOf(document.activeElement);
    if (index < 0) return;
    if (event.key === "ArrowDown" && index + 1 < links.length) {
      event.preventDefault();
      links[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? links[index - 1] : input).focus();
    }
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen() && !event.isComposing) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  box.addEventListener("focusout", (event) => {
    const next = event.relatedTarget;
    if (isOpen() && !closing && next && !box.contains(next)) close(false);
  });
  if (closer) closer.addEventListener("click", () => close());
  if (opener) {
    opener.addEventListener("click", () => {
      open();
      input.focus();
    });
  }
  wide.addEventListener("change", sync);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
  form.addEventListener("reset", () => setTimeout(() => run(), 0));
  for (const select of selects) select.addEventListener("change", () => run());
  moreButton.addEventListener("click", () => showMore(seq));
  if (toggle) {
    // the theme's labels (the overlay behind the box) flip the toggle without this script
    toggle.addEventListener("change", () => {
      sync();
      if (toggle.checked) {
        loadFilters();
        setTimeout(() => input.focus(), 100);
      } else if (box.contains(document.activeElement) && !wide.matches) {
        close();
      }
    });
  }
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && (event.key === "/" || event.key === "s")) {
      event.preventDefault();
      open();
      input.focus();
    }
  });

  // Pagefind (~115 KB) loads when the reader is about to search, not on every page view: the pointer over the
  // search box or the header's button, a touch on them, the focus in the box (Tab, the "/" key); it is warmed up
  // from then on.  With the browser's data saver on, only once the reader opens the box.
  const saveData = navigator.connection && navigator.connection.saveData;
  if (/^https?:$/.test(window.location.protocol) && !saveData) {
    for (const target of [box, opener]) {
      if (!target) continue;
      for (const type of ["pointerenter", "pointerdown", "focusin"]) {
        target.addEventListener(type, () => load(), { once: true, passive: true });
      }
    }
  }

  sync();
  const params = new URLSearchParams(window.location.search);
  if (params.get("q")) {
    input.value = params.get("q");
    open();
    input.focus();
    run();
  }
}

// Pagefind's calls made before its files have loaded wait in steps of 50 ms.  Five calls 10 ms apart (for
// U+10FFFF, a code point no index chunk reaches: nothing is fetched) tell within 10 ms that it is ready.
function loaded(pagefind) {
  return new Promise((resolve, reject) => {
    for (let i = 0; i < 5; i++) setTimeout(() => pagefind.search("\u{10FFFF}").then(resolve, reject), 10 * i);
  });
}

// The first searches of a page ran 2-4× slower than later ones (on 1,000 items: 40-80 ms in Pagefind for a word
// on every page, 13-20 ms later): the browser runs WebAssembly with code compiled fast, and replaces a function
// with optimised code only once it has done enough work.  So once Pagefind has loaded, it searches the warm-up
// words (one chunk of ~100 bytes, pointing at up to 100 pages) a couple of dozen times, each search a background
// task of its own (1-5 ms, the first ~20), and stops as soon as the reader searches.
async function warmUp(pagefind, busy) {
  let runs = 0;
  while (runs < WARM_RUNS && !busy() && (await warmSearch(pagefind))) {
    runs++;
    await new Promise((resolve) => later(resolve));
  }
  return runs; // for the tests
}

async function warmSearch(pagefind) {
  try {
    await pagefind.search(WARM_QUERY);
    return true;
  } catch {
    return false; // a warm-up that fails changes nothing: the reader's search runs the same code
  }
}

// A result in Material's markup.  Text goes in as text; of Pagefind's excerpt only <mark> is kept.
function renderItem(data) {
  const li = document.createElement("li");
  li.className = "md-search-result__item";
  const a = document.createElement("a");
  a.className = "md-search-result__link";
  a.href = data.url;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-search-result__article--document md-typeset";
  const icon = document.createElement("div");
  icon.className = "md-search-result__icon md-icon";
  const title = document.createElement("h2"); // the page has its h1; a result is a section of the search
  title.textContent = (data.meta && data.meta.title) || data.url;
  article.append(icon, title);
  const facts = describe(data);
  if (facts) {
    const p = document.createElement("p");
    p.className = "fugi-search__facts";
    p.textContent = facts;
    article.append(p);
  }
  const excerpt = document.createElement("p");
  excerpt.append(...safeExcerpt(data.excerpt || ""));
  article.append(excerpt);
  a.append(article);
  li.append(a);
  return li;
}

function describe(data) {
  const f = data.filters || {};
  const parts = [];
  if (data.meta && data.meta.kind) parts.push(data.meta.kind);
  for (const filter of FILTERS) {
    const values = f[filter.name];
    if (values) parts.push(filter.prefix ? `${filter.name}: ${values.join("・")}` : values.join("・"));
  }
  return parts.join(" ／ ");
}

function safeExcerpt(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const nodes = [];
  for (const node of doc.body.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}
