// My week, keyboard first: Enter on a select or checkbox of a check-in row saves the row
// (text fields already submit on Enter), and after a row is saved the focus moves to the
// first field of the next row, so a whole week is checked in without the mouse.
(function () {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    const field = event.target;
    const form = field.closest && field.closest("form[data-enter-submits]");
    if (!form) return;
    if (field.matches("select, input[type=checkbox]")) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function firstField(row) {
    return row && row.querySelector("form[data-enter-submits] input:not([type=hidden]), form[data-enter-submits] select");
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    // The row is swapped outerHTML: find the new element by the id it shares with the old.
    const id = event.detail.target && event.detail.target.id;
    if (!id || !id.startsWith("checkin-row-")) return;
    const row = document.getElementById(id);
    if (!row) return;
    const invalid = row.querySelector(".has-error input, .has-error select, .errorlist");
    if (invalid) {
      (row.querySelector(".has-error input, .has-error select") || firstField(row) || row).focus();
      return;
    }
    if (row.hasAttribute("data-saved")) {
      const next = row.nextElementSibling;
      const field = firstField(next);
      if (field) field.focus();
      else (row.querySelector("a") || row).focus();
    } else {
      const field = firstField(row);
      if (field) field.focus();
    }
  });
})();
