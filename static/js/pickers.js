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
    const empty = select.querySelector('option[value=""]'); // "The objective's owner", "—"…
    let matches = new Set(); // the values of the latest search's answer
    const picker = new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      // The server's matches, in its order: no filtering nor sorting again here; what is
      // chosen, and the empty choice ("The objective's owner"), only if they match too.
      score: (typed) => (option) => (!typed || matches.has(String(option.value)) ? 1 : 0),
      allowEmptyOption: true,
      maxOptions: 60,
      loadThrottle: 250,
      preload: "focus",
      placeholder: strings.placeholder,
      hidePlaceholder: true,
      load(query, callback) {
        const separator = url.includes("?") ? "&" : "?";
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : Promise.reject(response)))
          .then((data) => {
            more = !!data.more;
            matches = new Set(data.results.map((result) => result.value));
            // Only this search's matches (and what is chosen): never an earlier search's.
            picker.clearOptions();
            picker.loadedSearches = {};
            if (empty) picker.addOption({ value: "", text: empty.textContent });
            callback(data.results);
          })
          .catch(() => callback());
      },
      render: {
        no_results: () => message("no-results", strings.empty),
        loading: () => message("loading", strings.loading),
        dropdown_footer: () => (more ? message("picker-more", strings.more) : "<div></div>"),
      },
      onType(typed) {
        this.wrapper.classList.toggle("is-typing", typed !== "");
      },
      onChange() {
        this.wrapper.classList.remove("is-typing");
      },
      onBlur() {
        this.wrapper.classList.remove("is-typing");
      },
    });
    // Tom Select moves the <label> to its own input; the hidden <select> keeps the name too.
    const labelledBy = picker.control_input.getAttribute("aria-labelledby");
    if (labelledBy) select.setAttribute("aria-labelledby", labelledBy);
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
