// Objective editor: reorder and remove key result rows without a reload.
// Without JavaScript the "Order" and "Remove" fields do the same job.
(() => {
  const rows = () => document.getElementById("kr-rows");
  const liveRows = () => [...rows().querySelectorAll("[data-kr-row]:not(.is-removed)")];

  // Positions follow the order on screen; the coach is told something changed.
  function renumber() {
    liveRows().forEach((row, index) => {
      const position = row.querySelector("input[name$='-position']");
      if (position) position.value = index;
    });
    const form = document.getElementById("objective-form");
    if (form) form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", (event) => {
    const move = event.target.closest("[data-move]");
    const remove = event.target.closest("[data-remove]");
    if (!move && !remove) return;
    const row = event.target.closest("[data-kr-row]");
    if (!row) return;
    if (move) {
      const live = liveRows();
      const index = live.indexOf(row);
      if (move.dataset.move === "up" && index > 0) live[index - 1].before(row);
      if (move.dataset.move === "down" && index < live.length - 1) live[index + 1].after(row);
      move.focus();
    } else {
      const box = row.querySelector("input[name$='-DELETE']");
      if (box) box.checked = true;
      row.classList.add("is-removed");
      row.hidden = true;
      document.getElementById("add-key-result")?.focus();
    }
    renumber();
  });

  // A row shows the fields of its kind: a milestone is done or not (app.css).
  document.addEventListener("change", (event) => {
    const kind = event.target.closest("select[name$='-kind']");
    const row = kind && kind.closest("[data-kr-row]");
    if (row) row.dataset.kind = kind.value;
  });

  // A row added by htmx: focus its title.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "kr-rows") {
      const added = liveRows().at(-1);
      added?.querySelector("input[name$='-title']")?.focus();
      renumber();
    }
  });
})();
