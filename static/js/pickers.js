// Pickers that scale (okrapp/core/pickers.py): a <select data-picker> holds only its value
// and a few suggestions; here it becomes a searchable combobox (Tom Select, vendored) that
// asks the search endpoint (#picker-words' data-search, for the field's source and its
// data-picker-params) for matches as one types. Keyboard: type, arrows, Enter, Escape.
// Without JavaScript the plain <select> submits as usual. No inline script or style.
(function () {
  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text || "";
    return div.innerHTML;
  }

  function message(className, text) {
    return '<div class="' + className + '">' + escapeHtml(text) + "</div>";
  }

  function enhance(select) {
    const words = document.getElementById("picker-words");
    if (select.tomselect || typeof window.TomSelect === "undefined" || !words) return;
    const strings = words.dataset;
    const params = select.dataset.pickerParams;
    const url =
      strings.search.replace("SOURCE", encodeURIComponent(select.dataset.picker)) +
      (params ? "?" + params : "");
    let more = false;
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      allowEmptyOption: true,
      maxOptions: 60,
      loadThrottle: 250,
      preload: "focus",
      placeholder: strings.placeholder,
      hidePlaceholder: false,
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
      onDropdownOpen() {
        this.refreshOptions(false);
      },
    });
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-picker]")) enhance(root);
    root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // Rows and panels that htmx swaps in (the editor's new key result row).
  document.addEventListener("htmx:load", (event) => enhanceAll(event.detail.elt));
})();
