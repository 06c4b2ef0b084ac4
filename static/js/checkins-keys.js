// My week, keyboard first: Enter on a select or checkbox of a check-in row saves the row
// (text fields already submit on Enter), and after a row is saved the focus moves to the
// first field of the next row, so a whole week is checked in without the mouse.
// The in-row "Delete your latest check-in?" dialog takes the focus when it opens, Escape keeps
// the check-in, and closing it gives the focus back to the "Delete latest" button.
// A value field selects its content when it gets the focus: what one types replaces the last
// value instead of joining it ("2" typed before "63" saved 263 %). The placeholder alternative
// (an empty field) was not chosen: Enter on an unchanged row would then refuse instead of
// confirming the same value, and the last value would vanish from where it is typed.
(function () {
  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field.matches && field.matches("form[data-enter-submits] input[inputmode=decimal]")) {
      field.select();
    }
  });

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

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const dialog = event.target.closest && event.target.closest("[data-confirm-delete]");
    const keep = dialog && dialog.querySelector("[data-keep-checkin]");
    if (keep) {
      event.preventDefault();
      keep.click();
    }
  });

  function firstField(row) {
    return row && row.querySelector("form[data-enter-submits] input:not([type=hidden]), form[data-enter-submits] select");
  }

  // After the settle, not the swap: htmx wires the new content's forms only then, and a key
  // pressed on a button focused earlier would submit its form without htmx.
  document.addEventListener("htmx:afterSettle", (event) => {
    // The row is swapped outerHTML: find the new element by the id it shares with the old.
    const id = event.detail.target && event.detail.target.id;
    if (!id || !id.startsWith("checkin-row-")) return;
    const row = document.getElementById(id);
    if (!row) return;
    const confirmDelete = row.querySelector("[data-confirm-delete] button");
    if (confirmDelete) {
      confirmDelete.focus();
      return;
    }
    const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    const reopen = row.querySelector("[data-delete-checkin]");
    if (trigger && trigger.hasAttribute("data-keep-checkin") && reopen) {
      reopen.focus();
      return;
    }
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
