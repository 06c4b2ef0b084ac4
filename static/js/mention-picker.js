// The person picker of a comment: <select data-mention-into="TEXTAREA_ID"> holds only a few
// people near the thread (checkins.conversation_selectors.mention_suggestions); here it becomes
// a searchable combobox (Tom Select, vendored, as in static/js/pickers.js) that asks
// data-mention-search (the `mention-people` source: who may see the thread) for matches as one
// types. Choosing someone (type part of a name, arrows, Enter) writes "@their-email " into the
// comment where the cursor was. Without JavaScript the picker stays hidden and one types
// "@email" in the comment by hand. No inline script or style.
(function () {
  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function message(className, text) {
    return '<div class="' + className + '">' + escapeHtml(text) + "</div>";
  }

  function insert(select, email) {
    const area = document.getElementById(select.dataset.mentionInto);
    if (!area || !email) return;
    const at = area.selectionStart ?? area.value.length;
    const before = area.value.slice(0, at);
    const spacer = before && !/\s$/.test(before) ? " " : "";
    const text = spacer + "@" + email + " ";
    area.value = before + text + area.value.slice(at);
    area.focus();
    area.setSelectionRange(at + text.length, at + text.length);
  }

  function enhance(select) {
    const words = document.getElementById("picker-words");
    if (select.tomselect || typeof window.TomSelect === "undefined" || !words) return;
    const strings = words.dataset;
    const url = select.dataset.mentionSearch;
    const row = select.closest("[data-mention-row]");
    if (row) row.hidden = false;
    let more = false;
    const picker = new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      // Opens as one types: Enter in an empty picker submits the comment as usual.
      openOnFocus: false,
      maxOptions: 60,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder,
      load(query, callback) {
        const separator = url.includes("?") ? "&" : "?";
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : Promise.reject(response)))
          .then((data) => {
            more = !!data.more;
            callback(data.results);
          })
          .catch(() => callback());
      },
      render: {
        no_results: () => message("no-results", strings.empty),
        loading: () => message("loading", strings.loading),
        dropdown_footer: () => (more ? message("picker-more", strings.more) : "<div></div>"),
      },
      onChange(value) {
        if (!value) return;
        // Once Tom Select has finished choosing: the picker empties, the comment goes on.
        queueMicrotask(() => {
          picker.clear(true);
          picker.setTextboxValue("");
          picker.close();
          insert(select, value);
        });
      },
    });
    // Enter typed before the matches are shown (Tom Select refreshes them a moment after a
    // key, and asks the server after a pause) picks the first match once they are, rather
    // than submitting the comment with no mention in it.
    let wanted = null;
    picker.wrapper.addEventListener(
      "keydown",
      (event) => {
        if (event.key !== "Enter" || !picker.inputValue()) return;
        if (picker.canSelect(picker.activeOption)) return;
        if (!picker.refreshTimeout && !picker.loading) return;
        event.preventDefault();
        event.stopPropagation();
        wanted = picker.inputValue();
      },
      true,
    );
    function pickWanted() {
      if (wanted === null || picker.refreshTimeout || picker.loading) return;
      const typed = wanted;
      wanted = null;
      if (typed === picker.inputValue() && picker.canSelect(picker.activeOption)) {
        picker.addItem(picker.activeOption.dataset.value);
      }
    }
    picker.on("type", pickWanted);
    picker.on("load", pickWanted);
    // Tom Select moves the <label> to its own input; the hidden <select> keeps the name too.
    const labelledBy = picker.control_input.getAttribute("aria-labelledby");
    if (labelledBy) select.setAttribute("aria-labelledby", labelledBy);
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-mention-into]")) enhance(root);
    root.querySelectorAll("select[data-mention-into]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // The thread that htmx swaps in after a comment is posted.
  document.addEventListener("htmx:load", (event) => enhanceAll(event.detail.elt));
})();
