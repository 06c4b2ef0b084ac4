"""The quarterly report as HTML for WeasyPrint, and its PDF. WeasyPrint fetches nothing:
the style sheet is read from the static files and every URL it meets is refused, so a
title typed by a user can never make the server fetch anything."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

REPORT_CSS = "css/report.css"


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"The report fetches nothing ({url[:60]}).")


def report_document(report: dict, language: str) -> str:
    """The whole report as one standalone HTML document, in `language`."""
    with translation.override(language):
        return render_to_string(
            "okrapp/report_document.html", {**report, "language": language, "for_pdf": True}
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy: loaded only when a PDF is made

    css = Path(finders.find(REPORT_CSS)).read_text(encoding="utf-8")
    return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=[CSS(string=css)])


def report_pdf(report: dict, language: str) -> bytes:
    return html_to_pdf(report_document(report, language))
