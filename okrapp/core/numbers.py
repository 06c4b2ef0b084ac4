"""Decimal numbers as people type and read them, in one place: the forms, the CSV import and
export, and the template filters all use these rules. Pure functions, no ORM.

Reading accepts "1 234,5", "1234.5", "1.234,5", "1,234.5", "-3", "45 %", "1 234,50 €": a dot or
a comma as decimal mark, spaces (also non-breaking and narrow ones) or apostrophes between
thousands, and a percent or currency sign around the number, as a spreadsheet saves it.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PLACES = Decimal("0.0001")  # the value fields: max_digits=20, decimal_places=4
LIMIT = Decimal("1e16")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED = re.compile(r"-?\d{1,3}([.,]\d{3})+")
# English thousands: "1,234", "12,345,678"; never "0,125" (a decimal comma, as typed).
_ENGLISH_GROUPED = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+")


class NumberError(ValueError):
    """The text is not a number; the message says why, in the active language."""


def parse_decimal(raw: str | None, *, english: bool = False) -> Decimal:
    """The number in `raw`, rounded to 4 places; NumberError when there is none.

    `english`: typed by someone reading English, for whom "1,234" is a thousand and more, not
    1.234 (French, and the CSV files of any language, read a lone comma as the decimal mark).
    """
    text = _SPACES.sub("", raw or "")
    if english and _ENGLISH_GROUPED.fullmatch(text.split(".")[0]) and text.count(".") <= 1:
        text = text.replace(",", "")
    text = text.removesuffix("%").removesuffix("€").removesuffix("$").removesuffix("£")
    text = text.removeprefix("€").removeprefix("$").removeprefix("£")
    if not text:
        raise NumberError(_("The value is missing."))
    if "," in text and "." in text:
        # The last mark is the decimal one; the other groups thousands.
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        # 1,234,567 or 1.234.567: thousands groups of three digits, else not a number.
        text = text.replace(",", "").replace(".", "") if _GROUPED.fullmatch(text) else "invalid"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw.strip()}) from None
    if not value.is_finite() or abs(value) >= LIMIT:
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw.strip()})
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _normalised(value: Decimal) -> Decimal:
    """12.5000 → 12.5 and 50.0000 → 50 (not 5E+1)."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def plain_decimal(value: Decimal, *, decimal_mark: str = ".") -> str:
    """What a person would type, without grouping: "12.5", "50", or "12,5" with a comma."""
    return format(_normalised(value), "f").replace(".", decimal_mark)


def format_decimal(value: Decimal | None, *, grouping: bool = True) -> str:
    """A value in the active language, without useless zeros ("1 234,5" / "1,234.5"); an em
    dash when there is none."""
    if value is None or value == "":
        return "—"
    normalised = _normalised(value)
    places = max(0, -normalised.as_tuple().exponent)
    decimal_mark, groups, thousands = _separators(get_language())
    return numberformat.format(
        normalised, decimal_mark, places, groups, thousands, force_grouping=grouping, use_l10n=True
    )


@functools.lru_cache(maxsize=32)
def _separators(language: str | None) -> tuple:
    """The language's decimal mark, grouping and thousands separator, as Django's
    number_format reads them: looked up once per language (pages format thousands of
    values, and the lookup was most of each one's cost)."""
    return tuple(
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )


def format_with_unit(value: Decimal | None, unit: str = "") -> str:
    """12,5 % / 1 234 visitors / — when there is no value."""
    if value is None or value == "":
        return "—"
    shown = format_decimal(value)
    return f"{shown}\u00a0{unit}" if unit else shown


BIGGEST_ID = 2**63 - 1  # a database id fits a signed 64-bit integer


def parse_whole(raw: object, *, minimum: int = 0, maximum: int = BIGGEST_ID) -> int | None:
    """A whole number typed in a query string or a form ("12"), within bounds; None for
    anything else — other digits than 0-9 ("²"), signs, or a number past the bounds, which
    would otherwise reach the database as an integer it cannot hold."""
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(raw: object) -> int | None:
    """A database id from a query string or a form; None when it cannot be one."""
    return parse_whole(raw, minimum=1)
