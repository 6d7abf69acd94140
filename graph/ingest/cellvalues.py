"""Reading one cell's text as a typed value: dates in declared formats, numbers, and slugs for IRIs."""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import PREFIXES

XSD = PREFIXES["xsd"]
_ISO_FORMS = ((re.compile(r"\d{4}"), "gYear"), (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), "gYearMonth"),
              (re.compile(r"\d{4}-\d{2}-\d{2}"), "date"))
_DAY, _MONTH, _YEAR = frozenset("d"), frozenset("mbB"), frozenset("Yy")
# The strptime directives a declared format may use; the others (hours, weekdays, locales' own forms) say nothing
# about the precision of a date and are refused when the mapping is read.
_ALLOWED = _DAY | _MONTH | _YEAR | {"%"}


@dataclass(frozen=True)
class DateFormat:
    """One declared strptime format, and the precision (xsd datatype) a date read by it has."""

    text: str
    datatype: str
    two_digit_year: bool


def date_format(text: str) -> DateFormat:
    """A declared format, checked: it names a year, and a day only with a month; ValueError otherwise."""
    directives = set()
    position = 0
    while (found := text.find("%", position)) != -1:
        if found + 1 >= len(text):
            raise ValueError(f"date format {text!r} ends with a lone %")
        directives.add(text[found + 1])
        position = found + 2
    unknown = directives - _ALLOWED
    if unknown:
        raise ValueError(f"date format {text!r} uses %{', %'.join(sorted(unknown))}; only %d %m %b %B %Y %y are allowed")
    if not directives & _YEAR:
        raise ValueError(f"date format {text!r} has no year (%Y or %y)")
    if directives & _DAY and not directives & _MONTH:
        raise ValueError(f"date format {text!r} has a day but no month")
    datatype = "date" if directives & _DAY else "gYearMonth" if directives & _MONTH else "gYear"
    return DateFormat(text, datatype, "y" in directives)


def parse_date(text: str, formats: tuple[DateFormat, ...] = (), years: tuple[int, int] | None = None) -> ox.Literal | None:
    """A date of year, month or day precision, typed by that precision; None if it is no such date.

    ISO forms (YYYY, YYYY-MM, YYYY-MM-DD) are always read; the declared formats are tried after them, in order.
    A two-digit year is read as the one year in the declared window (years) that ends in those digits.
    """
    for form, datatype in _ISO_FORMS:
        if form.fullmatch(text):
            if datatype == "date" and _iso_day(text) is None:
                return None
            return _typed(text, datatype)
    for fmt in formats:
        try:
            read = datetime.datetime.strptime(text, fmt.text)
        except ValueError:
            continue
        year = read.year
        if fmt.two_digit_year:
            if years is None:
                continue
            year = years[0] + (read.year % 100 - years[0]) % 100
            try:
                read = read.replace(year=year)
            except ValueError:  # 29 February of a year in the window that is not a leap year
                continue
        lexical = {"gYear": f"{year:04d}", "gYearMonth": f"{year:04d}-{read.month:02d}"}.get(fmt.datatype,
                                                                                            read.date().isoformat())
        return _typed(lexical, fmt.datatype)
    return None


def _iso_day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def parse_integer(text: str) -> ox.Literal | None:
    """A whole number written in ASCII digits with an optional sign, as xsd:integer; None otherwise."""
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def parse_decimal(text: str) -> ox.Literal | None:
    """A finite decimal number, written out without an exponent, as xsd:decimal; None otherwise."""
    if not text.isascii() or "_" in text:
        return None
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None
    if not number.is_finite():
        return None
    lexical = format(number, "f")
    return ox.Literal(lexical if "." in lexical else lexical + ".0", datatype=ox.NamedNode(XSD + "decimal"))


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: Han characters as pinyin syllables, other scripts transliterated."""
    from anyascii import anyascii  # imported when a mapping asks for slugs: both carry large tables
    from pypinyin import lazy_pinyin

    words: list[str] = []
    for part in lazy_pinyin(unicodedata.normalize("NFC", text)):
        ascii_text = anyascii(part).lower()
        words.extend(w for w in re.split(r"[^a-z0-9]+", ascii_text) if w)
    return "-".join(words)
