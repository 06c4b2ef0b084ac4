// The person picker of a comment: choosing someone in <input data-mention-into="TEXTAREA_ID">
// (a native datalist, searchable and keyboard-driven) writes "@their-email " into the comment
// where the cursor is; typing part of a name and Enter picks the first person who matches.
// Without JavaScript, one types "@email" by hand. No inline script.
(function () {
  // The email of the option the picker names: typed or chosen as is, or the first person
  // whose name contains what was typed (so "Léa" then Enter mentions Léa).
  function chosen(picker) {
    const typed = picker.value.trim().toLowerCase();
    const options = picker.list ? Array.from(picker.list.options) : [];
    if (!typed) return "";
    const exact = options.find((option) => option.value.toLowerCase() === typed);
    if (exact) return exact.value;
    const named = options.find((option) => option.textContent.toLowerCase().includes(typed));
    return named ? named.value : "";
  }
  function insert(picker) {
    const value = chosen(picker);
    const area = document.getElementById(picker.dataset.mentionInto);
    if (!area || !value) return false;
    const at = area.selectionStart ?? area.value.length;
    const before = area.value.slice(0, at);
    const spacer = before && !/\s$/.test(before) ? " " : "";
    const text = spacer + "@" + value + " ";
    area.value = before + text + area.value.slice(at);
    area.focus();
    area.setSelectionRange(at + text.length, at + text.length);
    picker.value = "";
    return true;
  }
  function isOption(picker) {
    const list = picker.list;
    return !!list && Array.from(list.options).some((option) => option.value === picker.value);
  }
  document.addEventListener("input", (event) => {
    const picker = event.target.closest && event.target.closest("[data-mention-into]");
    if (picker && isOption(picker)) insert(picker);
  });
  document.addEventListener("keydown", (event) => {
    const picker = event.target.closest && event.target.closest("[data-mention-into]");
    // Enter picks a person; on an empty picker it submits the comment as usual.
    if (picker && event.key === "Enter" && insert(picker)) event.preventDefault();
  });
})();
