// fugi: the header search box, in Material's look, driven by Pagefind (pagefind/pagefind.js, same origin).
// Pagefind loads only the index chunks and result fragments a query needs.  The words of the index are cut by
// fugi (fugi/site/search_words.py), and the query here by the same rules (terms): Japanese by overlapping pairs
// of characters, so 「クラウド」 finds クラウドサーバ and ガバメントクラウド, 「口座」 振込先口座情報.
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
  let results = []; // Pagefind's results of the query
  let runs = []; // the query's runs of characters, marked in the excerpts
  let shown = 0;

  let lastCounts = null;
  let filtersLoading = null;

  // Pagefind's script and its WebAssembly (~115 KB, cached by the browser) load when the reader is about to
  // search (see the end of setup), so the first query only fetches the index chunk and the fragments it needs.
  function load() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", ROOT).href).then(async (pagefind) => {
        // no worker: it would be one more script to fetch before the first result; searching is cheap
        await pagefind.options({ baseUrl: ROOT.pathname, excerptLength: 40, noWorker: true });
        await pagefind.init();
        if (typeof Intl.Segmenter !== "undefined") {
          // Pagefind runs a query through it on a Japanese page (fugi's words pass whole); its dictionary
          // loads on first use
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
    const found = await find(pagefind, query, filters);
    if (my !== seq) return;
    results = found.results;
    runs = found.runs;
    shown = 0;
    list.replaceChildren();
    meta.textContent = results.length ? `${results.length}件見つかりました` : "何も見つかりませんでした";
    lastCounts = found.filters;
    updateCounts(lastCounts);
    await showMore(my);
  }

  async function showMore(my, want = PAGE) {
    // the first result is shown as soon as its fragment arrives; the others follow in order
    const batch = results.slice(shown, shown + want);
    shown += batch.length;
    const pending = batch.map((result) => result.data());
    for (const data of pending) {
      const item = renderItem(await data, runs);
      if (my !== seq) return;
      list.append(item);
    }
    moreButton.parentElement.hidden = shown >= results.length;
  }

  // The box opens when the reader types, clicks it or presses ↓, not when Tab passes through it: the open
  // box's filters and results would be five more Tab stops on every page on the way to the content.
  input.addEventListener("pointerdown", () => {
    if (!isOpen()) open();
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
  // 「さらに表示」: the focus goes to the first of the results it adds (the button is hidden after the last ones;
  // the focus left on it would fall to the page behind the open search)
  moreButton.addEventListener("click", async () => {
    const before = list.children.length;
    await showMore(seq);
    const added = list.children[before];
    const link = added && added.querySelector("a");
    if (link) link.focus();
  });
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

// The rules fugi cut the pages' words by (fugi/site/search_words.py: the two are tested on the same strings).
// Characters of the scripts written without spaces, and digits, go one by one: the index holds at each one the pair it
// starts (or the character alone at the end of a run); a query searches the pairs of each run (Pagefind finds
// the pages holding all of a query's words), a character alone every pair it begins.  Other letters and digits
// go by word, lower-cased and without accents.  A character's word is in ASCII ("_" and four base-36 digits),
// which Pagefind's own cutting of the query (Intl.Segmenter) keeps whole.
const BY_CHARACTER = [[0x0030, 0x0039], [0x0e00, 0x0eff], [0x1000, 0x109f], [0x1100, 0x11ff], [0x1780, 0x17ff], [0x3005, 0x3007],
  [0x303b, 0x303c], [0x3041, 0x3096], [0x309d, 0x309f], [0x30a1, 0x30fa], [0x30fc, 0x30ff], [0x3105, 0x312f],
  [0x3131, 0x318e], [0x31f0, 0x31ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa960, 0xa97f], [0xac00, 0xd7af],
  [0xf900, 0xfaff], [0x20000, 0x323af]];
const MARK = "_";
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
const IS_MARK = /^[\p{M}\uFF9E\uFF9F]$/u;
const IS_WORD = /^[\p{L}\p{N}]$/u;

function byCharacter(char) {
  const code = char.codePointAt(0);
  return BY_CHARACTER.some(([low, high]) => low <= code && code <= high);
}

function code(text) {
  let out = "";
  for (const char of text) {
    let n = char.codePointAt(0);
    let digits = "";
    for (let i = 0; i < 4; i++) {
      digits = DIGITS[n % 36] + digits;
      n = Math.floor(n / 36);
    }
    out += digits;
  }
  return out;
}

function fold(word) {
  return [...word.toLowerCase().normalize("NFD")].filter((c) => IS_WORD.test(c)).join("");
}

// the text cut into segments (as search_words.segments): [text, kind, key], kind "c" a character, "w" a word
function segments(text) {
  const chars = [...text];
  const out = [];
  let wordOpen = false;
  for (let start = 0; start < chars.length;) {
    let end = start + 1;
    while (end < chars.length && IS_MARK.test(chars[end])) end++;
    const unit = chars.slice(start, end).join("");
    const normal = unit.normalize("NFKC");
    const first = [...normal][0];
    start = end;
    if (first && byCharacter(first)) {
      out.push([unit, "c", normal, unit]);
      wordOpen = false;
    } else if (first && IS_WORD.test(first)) {
      if (wordOpen && out.length) {
        out[out.length - 1][0] += unit;
        out[out.length - 1][2] += normal;
      } else {
        out.push([unit, "w", normal, unit]);
        wordOpen = true;
      }
    } else {
      if (out.length) out[out.length - 1][0] += unit;
      else out.push([unit, "", "", unit]);
      wordOpen = false;
    }
  }
  // [3]: the character itself, without what follows it (a run goes on only when nothing does)
  return out.map(([piece, kind, key, head]) => [piece, kind, kind === "w" ? fold(key) : key, head]);
}

// the runs of a query: the words it searches (search_words.query_terms), and the runs of characters it holds
function cutQuery(query) {
  const words = [];
  const runs = [];
  const phrases = []; // each run of two or more characters: the pairs searched and where they start in it
  let run = [];
  const flush = () => {
    if (run.length === 1) words.push(MARK + code(run[0]));
    if (run.length > 1) {
      const offsets = cover(run.length);
      const pairs = offsets.map((i) => MARK + code(run[i]) + code(run[i + 1]));
      words.push(...pairs);
      phrases.push({ pairs, offsets });
    }
    if (run.length) runs.push(run.join(""));
    run = [];
  };
  for (const [piece, kind, key, head] of segments(query)) {
    if (kind === "c") {
      run.push(key);
      if (piece.length !== head.length) flush();
    } else {
      flush();
      if (kind === "w" && key) words.push(key);
    }
  }
  flush();
  return { words: [...new Set(words)], runs, phrases };
}

// The pairs that cover a run of n characters: every other one, and the last (search_words.cover)
function cover(n) {
  const offsets = [];
  for (let i = 0; i + 1 < n; i += 2) offsets.push(i);
  if (n % 2 === 1) offsets.push(n - 2);
  return offsets;
}

// exported for the tests and the benchmark (tests/test_search_recall.py), which search as this script does
export function terms(query) {
  return cutQuery(query).words;
}

export function segmentsOf(text) {
  return segments(text).map(([piece, kind, key]) => [piece, kind, key]);
}

// A search as the search box runs it: Pagefind's results for the words of the query (ranked; Pagefind finds the
// pages holding every one of them), kept where each run of characters stands in one piece: the pairs that
// cover it at their places one after another among the places Pagefind matched on the page (result.words), so
// 「令和6年度」 does not find a page with 令和6年 and 年度 apart.  A run of two characters is one pair: for it,
// Pagefind's exact search ("…"), which never takes a shorter word when no page has the pair.
// {results, filters (counts), runs}.
export async function find(pagefind, query, filters = {}) {
  const { words, runs, phrases } = cutQuery(query);
  if (!words.length && query.trim()) return { results: [], filters: {}, runs }; // punctuation alone: no word
  const search = await pagefind.search(words.length ? words.join(" ") : null, { filters });
  let results = (search && search.results) || [];
  let counts = search && search.filters;
  for (const { pairs, offsets } of phrases) {
    if (!results.length) break;
    if (offsets.length > 1) {
      results = results.filter((result) => inOnePiece(result.words || [], offsets));
      continue;
    }
    const exact = await pagefind.search(`"${pairs[0]}"`, { filters });
    const found = new Set(((exact && exact.results) || []).map((result) => result.id));
    results = results.filter((result) => found.has(result.id));
    if (words.length === 1) counts = exact.filters; // the query is the pair
  }
  return { results, filters: counts, runs };
}

function inOnePiece(places, offsets) {
  const matched = new Set(places);
  return places.some((place) => offsets.every((offset) => matched.has(place + offset)));
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

// A result in Material's markup.  Text goes in as text: the page's text around the run of characters searched,
// or Pagefind's excerpt (of which only <mark> is kept); every place of a run searched is marked whole.
function renderItem(data, runs = null) {
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
  const around = runs && runs.length ? excerptAround(data.content || "", runs) : null;
  excerpt.append(...(around !== null ? marked(around, runs) : safeExcerpt(data.excerpt || "", runs || [])));
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

// The page's text around the first place of the query's longest run of characters (Pagefind centres its
// excerpt where the pairs searched are densest, which may be elsewhere: 情報 of 個人情報 for 「口座情報」)
const EXCERPT_BEFORE = 12;
const EXCERPT_CHARS = 48;
function excerptAround(content, runs) {
  const longest = [...runs].sort((a, b) => b.length - a.length)[0];
  const at = content.indexOf(longest);
  if (at < 0) return null;
  const start = Math.max(0, at - EXCERPT_BEFORE);
  return content.slice(start, start + Math.max(EXCERPT_CHARS, longest.length + EXCERPT_BEFORE)).trim();
}

function marked(text, runs) {
  return withMarks(text, new Array(text.length).fill(false), runs);
}

function safeExcerpt(html, runs) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  let text = "";
  const marks = [];
  for (const node of doc.body.childNodes) {
    const part = node.textContent;
    const mark = node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK";
    for (let i = 0; i < part.length; i++) marks.push(mark);
    text += part;
  }
  return withMarks(text, marks, runs);
}

// The text as nodes, each stretch of marked characters (those in `marked`, and every place of a run) a <mark>
function withMarks(text, marked, runs) {
  for (const run of runs) {
    for (let at = text.indexOf(run); run && at >= 0; at = text.indexOf(run, at + 1)) {
      for (let i = at; i < at + run.length; i++) marked[i] = true;
    }
  }
  const nodes = [];
  for (let start = 0; start < text.length;) {
    let end = start + 1;
    while (end < text.length && marked[end] === marked[start]) end++;
    const part = text.slice(start, end);
    if (marked[start]) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(part));
    }
    start = end;
  }
  return nodes;
}
