"""axe-core in the browser tests: WCAG 2.1 A and AA, each violation named with its page.

axe.min.js is vendored for the tests only (tests/browser/vendor/, from the npm registry, with
its MPL-2.0 licence); it is never collected nor served. The app's CSP (script-src 'self')
refuses inline scripts, so `page.add_script_tag(content=…)` or `(path=…)`, which both insert
an inline <script>, are blocked. `page.evaluate` runs the source through the DevTools
protocol (Runtime.callFunctionOn), which a page's CSP does not govern, in the page's own
JavaScript world: axe then sees the DOM exactly as a person's browser shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AXE_SOURCE = (
    Path(__file__).resolve().parent.parent / "browser" / "vendor" / "axe.min.js"
).read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best-practice rules the issue asks for too: one h1, headings in order, landmarks.
STRUCTURE = ["page-has-heading-one", "heading-order", "landmark-one-main", "region"]


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.target} — {self.summary}"


def axe_violations(page, label: str) -> list[Violation]:
    """Runs axe on the page as it stands (after any swap) and lists WCAG 2.1 A/AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        """async ([tags, structure]) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                rules: Object.fromEntries(structure.map((id) => [id, {enabled: true}])),
            });
            return results.violations.map((rule) => ({
                id: rule.id, impact: rule.impact || "",
                nodes: rule.nodes.map((node) => ({
                    target: node.target.join(" "),
                    summary: (node.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240),
                })),
            }));
        }""",
        [WCAG_21_AA, STRUCTURE],
    )
    where = f"{label} [{page.url}]"
    return [
        Violation(where, rule["id"], rule["impact"], node["target"], node["summary"])
        for rule in results
        for node in rule["nodes"]
    ]


def report(violations: list[Violation]) -> str:
    lines = [str(violation) for violation in violations]
    return f"{len(lines)} WCAG 2.1 A/AA violation(s):\n" + "\n".join(lines)
