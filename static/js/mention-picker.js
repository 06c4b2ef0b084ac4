// The person picker of a comment: choosing someone in <input data-mention-into="TEXTAREA_ID">
// (a native datalist, searchable and keyboard-driven) writes "@their-email " into the comment
// where the cursor is. Without JavaScript, one types "@email" by hand. No inline script.
(function () {
  function insert(picker) {
    const value = picker.value.trim();
    const area = document.getElementById(picker.dataset.mentionInto);
    if (!area || !value.includes("@")) return false;
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
    if (picker && event.key === "Enter") {
      event.preventDefault();
      insert(picker);
    }
  });
})();
