// fugi: the theme's navigation drawer from the keyboard (a real button, inert while hidden, Esc closes), and
// printing with every checklist row shown (a closed <details> prints nothing of its content).
(() => {
  const drawer = document.getElementById("__drawer");
  const button = document.querySelector("[data-fugi-drawer-open]");
  const sidebar = document.querySelector(".md-sidebar--primary");
  // Material's breakpoint: below it the navigation is a drawer outside the screen until opened
  const offCanvas = window.matchMedia("(max-width: 76.234375em)");

  if (drawer && button && sidebar) {
    sidebar.id = sidebar.id || "fugi-drawer";
    button.setAttribute("aria-controls", sidebar.id);
    const sync = () => {
      sidebar.inert = offCanvas.matches && !drawer.checked;
      button.setAttribute("aria-expanded", String(offCanvas.matches && drawer.checked));
    };
    const setOpen = (open) => {
      if (drawer.checked !== open) {
        drawer.checked = open;
        drawer.dispatchEvent(new Event("change")); // the theme reacts to its toggle's change
      }
      sync();
    };
    button.addEventListener("click", () => {
      setOpen(!drawer.checked);
      if (drawer.checked) {
        const first = sidebar.querySelector("a[href], [tabindex='0']");
        if (first) first.focus();
      }
    });
    sidebar.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && drawer.checked && offCanvas.matches) {
        event.preventDefault();
        setOpen(false);
        button.focus();
      }
    });
    sidebar.addEventListener("focusout", (event) => {
      const next = event.relatedTarget;
      if (drawer.checked && offCanvas.matches && next && !sidebar.contains(next)) setOpen(false);
    });
    drawer.addEventListener("change", sync);
    offCanvas.addEventListener("change", sync);
    sync();
  }

  // Print every row: open the folded runs of standard rows for printing, close them again afterwards
  // (print.css also shows them where the browser supports ::details-content).
  const opened = [];
  window.addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("details:not([open])")) {
      details.open = true;
      opened.push(details);
    }
    const where = document.querySelector("[data-fugi-print-url]");
    if (where && /^https?:$/.test(window.location.protocol)) where.textContent = window.location.origin + window.location.pathname;
  });
  window.addEventListener("afterprint", () => {
    for (const details of opened.splice(0)) details.open = false;
  });
})();
