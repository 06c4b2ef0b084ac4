"""Reading and writing CSV the way spreadsheets do, shared by every CSV of the product (the
KPIs' measurements, the org chart): pure functions, no ORM."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell shown as typed by a spreadsheet: an apostrophe before a formula's first
    character — and before a leading apostrophe, so that `restore` reads every cell back."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def restore(text: str) -> str:
    """The text `neutralise` was given."""
    if text.startswith("'") and text[1:2] and text[1] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


def clean_lines(text: str) -> str:
    # Old Mac spreadsheets end lines with a lone CR, which the csv module refuses outside
    # a file opened in universal-newline mode; NUL bytes only come from binary files.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def sniff_delimiter(text: str) -> str:
    """Semicolon (a French spreadsheet), tab, else comma, from the first non-empty line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if ";" in first:
        return ";"
    if "\t" in first:
        return "\t"
    return ","
