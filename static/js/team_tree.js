// Team tree on the dashboard: a branch button loads its sub-teams once (htmx, "click once"),
// then only shows or hides them; aria-expanded follows. Without JS the button submits a GET
// form that opens the branch server-side.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-tree-toggle]");
  if (!button) return;
  event.preventDefault();
  const branch = document.getElementById(button.getAttribute("aria-controls"));
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  if (branch) branch.hidden = !open;
});
