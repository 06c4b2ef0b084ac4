// Screen readers hear what an htmx swap did: the swapped content names it in data-announce
// ("Check-in saved", "2 errors") and this copies it into the page's polite live region
// (#announcer in base.html), which assistive technologies read without moving the focus.
// A refused request that swaps nothing (4xx/5xx but 422) says so in the same region.
(function () {
  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region || !text) return;
    // Emptied first, then filled on the next frame, so the same message twice is read twice.
    region.textContent = "";
    window.requestAnimationFrame(() => { region.textContent = text; });
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    // An outerHTML swap replaces the target: the new element carries the same id.
    let root = event.detail.elt;
    if (root && !root.isConnected && root.id) root = document.getElementById(root.id);
    if (!root || !root.isConnected) return;
    const source = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
    if (source) announce(source.getAttribute("data-announce"));
    // Focus lost with the replaced element goes where the person continues: the first
    // refused field, else the first field of a form just opened in place, else the new content.
    if (document.activeElement && document.activeElement !== document.body) return;
    const next = root.querySelector("[aria-invalid=true]") ||
      root.querySelector(".editing input:not([type=hidden]), .editing select, .editing textarea");
    if (next) { next.focus(); return; }
    if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
    root.focus();
  });
  document.addEventListener("htmx:responseError", () => {
    const region = document.getElementById("announcer");
    if (region) announce(region.getAttribute("data-error"));
  });
})();
