// fugi: the information-items page (browse/info-items/) filters its table in the browser, without a server.
// Without JavaScript the whole table shows and the filter stays hidden.  ?data=<種類> in the address preselects one.
(function () {
  function init() {
    var table = document.querySelector("[data-fugi-info-table]");
    var form = document.querySelector("[data-fugi-info-filter]");
    if (!table || !form) return;
    var select = form.querySelector("select");
    var input = form.querySelector("input");
    var count = form.querySelector("[data-fugi-info-count]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    function apply() {
      var want = select.value;
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = !want || (row.getAttribute("data-fugi-data") || "").indexOf("|" + want + "|") >= 0;
        if (ok && words.length) {
          var text = row.textContent.toLowerCase();
          ok = words.every(function (word) { return text.indexOf(word) >= 0; });
        }
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = count.getAttribute("data-format")
        .replace("{total}", String(rows.length)).replace("{shown}", String(shown));
    }

    var preset = new URLSearchParams(window.location.search).get("data");
    if (preset && Array.prototype.some.call(select.options, function (o) { return o.value === preset; })) {
      select.value = preset;
    }
    select.addEventListener("change", apply);
    input.addEventListener("input", apply);
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
