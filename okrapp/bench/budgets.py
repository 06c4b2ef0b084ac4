"""The budgets `make bench` checks, and its report: plain values in, plain values out.

A page is within budget when its p50 is at most PAGE_RATIO times the trivial page's in the
same run and its HTML at most HTML_KB; its query count must not grow with the organisation
(compared with the runs at other scales found beside this one)."""

from __future__ import annotations

import io
from dataclasses import dataclass

PAGE_RATIO = 3.0
HTML_KB = 250
ROLLUP_SECONDS = 0.5
CHECKIN_RATIO = 3.0


@dataclass(frozen=True)
class Verdict:
    subject: str  # a page's key, or the measure's name
    measure: str
    value: str
    budget: str
    met: bool


def page_verdicts(page: dict, other_runs: dict[str, dict[str, int]]) -> list[Verdict]:
    """`other_runs`: {scale: {page key: queries}} of earlier runs at other scales."""
    label = f"{page['name']} ({page['role']})"
    verdicts = [
        Verdict(
            page["key"],
            f"{label}: p50",
            f"{page['p50_ms']:.1f} ms = {page['ratio']:.2f}× trivial",
            f"≤ {PAGE_RATIO:g}×",
            page["status"] == 200 and page["ratio"] <= PAGE_RATIO,
        ),
        Verdict(
            page["key"],
            f"{label}: HTML",
            f"{page['html_bytes'] / 1000:.0f} KB",
            f"≤ {HTML_KB} KB",
            page["html_bytes"] <= HTML_KB * 1000,
        ),
    ]
    for scale, queries in sorted(other_runs.items()):
        if page["key"] in queries:
            verdicts.append(
                Verdict(
                    page["key"],
                    f"{label}: SQL queries",
                    f"{page['queries']} (at scale {scale}: {queries[page['key']]})",
                    "the same at every scale",
                    page["queries"] == queries[page["key"]],
                )
            )
    return verdicts


def all_verdicts(results: dict, other_runs: dict[str, dict[str, int]]) -> list[Verdict]:
    verdicts = []
    for page in results["pages"]:
        verdicts += page_verdicts(page, other_runs)
    rollup = results["rollup"]
    verdicts.append(
        Verdict(
            "rollup",
            "roll-up",
            f"{rollup['seconds']:.3f} s",
            f"≤ {ROLLUP_SECONDS} s",
            rollup["seconds"] <= ROLLUP_SECONDS,
        )
    )
    checkin = results["checkin_post"]
    verdicts.append(
        Verdict(
            "checkin_post",
            "check-in POST: p50",
            f"{checkin['p50_ms']:.1f} ms = {checkin['ratio']:.2f}× trivial",
            f"≤ {CHECKIN_RATIO:g}×",
            checkin["ratio"] <= CHECKIN_RATIO,
        )
    )
    return verdicts


def report(results: dict, verdicts: list[Verdict]) -> str:
    out = io.StringIO()
    out.write(f"\nDatabase: {results['database']}  scale: {results['scale']}\n")
    counts = ", ".join(
        f"{value:,} {name.replace('_', ' ')}" for name, value in results["counts"].items()
    )
    out.write(f"Organisation: {counts}\n")
    if results.get("build_seconds") is not None:
        out.write(f"Build: {results['build_seconds']:.1f} s\n")
    rollup = results["rollup"]
    out.write(
        f"Roll-up: {rollup['seconds']:.3f} s, {rollup['queries']} queries, "
        f"{rollup['snapshots_created']:,} snapshots; "
        f"second run {rollup['second_run_seconds']:.3f} s, "
        f"{rollup['second_run_writes']} writes\n"
    )
    imported = results["kpi_import"]
    out.write(
        f"KPI CSV import of {imported['rows']:,} rows: "
        f"preview {imported['preview_seconds']:.2f} s, "
        f"import {imported['import_seconds']:.2f} s\n"
    )
    if results.get("report"):
        found = results["report"]
        out.write(
            f"Quarterly report, whole company: status {found['status']}, "
            f"{found['seconds']:.2f} s, {found['queries']} queries, {found['html_kilobytes']:,} KB"
        )
        if "pdf_seconds" in found:
            out.write(
                f"; PDF status {found['pdf_status']}, {found['pdf_seconds']:.1f} s, "
                f"{found['pdf_kilobytes']:,} KB"
            )
        out.write("\n")
    checkin = results["checkin_post"]
    out.write(
        f"Check-in POST: p50 {checkin['p50_ms']:.1f} ms, p95 {checkin['p95_ms']:.1f} ms, "
        f"{checkin['queries']} queries, trivial page p50 {checkin['trivial_p50_ms']:.1f} ms\n\n"
    )
    header = (
        f"{'page':<34}{'as':<7}{'status':>6}{'SQL':>5}{'warm':>5}{'KB':>6}{'first':>7}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'trivial':>8}{'ratio':>7}  budget\n"
    )
    out.write(header)
    out.write("-" * (len(header) + 6) + "\n")
    for page in results["pages"]:
        missed = sorted(
            v.measure.rsplit(": ", 1)[1] for v in verdicts if v.subject == page["key"] and not v.met
        )
        verdict = "MISSED: " + ", ".join(missed) if missed else "met"
        out.write(
            f"{page['name']:<34}{page['role']:<7}{page['status']:>6}{page['queries']:>5}"
            f"{page.get('warm_queries', page['queries']):>5}{page['html_bytes'] / 1000:>6.0f}"
            f"{page.get('first_ms', 0):>7.0f}{page['p50_ms']:>8.1f}{page['p95_ms']:>8.1f}"
            f"{page['trivial_p50_ms']:>8.1f}{page['ratio']:>7.2f}  " + verdict + "\n"
        )
    out.write(
        "\nSQL: the queries of a page's first answer after a write, when it computes every "
        "shared figure (okrapp.core.freshness); warm: once they are cached. first: that "
        "first answer's time in ms; p50 and p95 over the rounds.\n"
    )
    met = sum(verdict.met for verdict in verdicts)
    out.write(f"\nBudgets: {met} of {len(verdicts)} met.\n")
    for verdict in verdicts:
        if not verdict.met:
            out.write(f"  MISSED  {verdict.measure}: {verdict.value} (budget {verdict.budget})\n")
    return out.getvalue()
