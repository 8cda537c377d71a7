"""Reading a number the way people type it: pure functions, no HTTP and no database.

Accepted, besides what Python's float() reads ("640", "-0.25", "6.4e2"):
  thousands separators   "2,560", "1,000,000", "2 560" (also thin or no-break spaces),
                         "1.000.000"; the first group has 1-3 digits, every later one 3
  a decimal comma        "2,5", "0,7452", "640,0"
  both together          "1,234.5" and "1.234,5": the last mark is the decimal one
  a typographic minus    "−0.5"

One form is genuinely ambiguous: a single comma followed by exactly three digits ("2,560")
is 2560 with a thousands comma and 2.56 with a decimal comma. It is read as whichever of the
two is nearer the value the question expects (`near`), and as thousands when there is no such
value. Both readings are numbers the student may have meant, and they differ a thousandfold,
so this settles what they meant without helping anyone guess.
"""

from __future__ import annotations

import math
import re

SPACES = " \u00a0\u2009\u202f"  # space, no-break space, thin space, narrow no-break space
MINUS_SIGNS = "\u2212\u2012\u2013"  # minus sign, figure dash, en dash
EXAMPLES = "like 2560, 2,560, 0.25 or -3"


class NotANumber(ValueError):
    """The text is not a number; str() says how to write one."""


def _grouped(body: str, sep: str, decimal: str) -> str | None:
    """Return `body` without its thousands separators `sep` (decimal mark made '.'), or None
    when it is not grouped that way."""
    s, d = re.escape(sep), re.escape(decimal)
    match = re.fullmatch(rf"([1-9]\d{{0,2}}(?:{s}\d{{3}})+)(?:{d}(\d+))?", body)
    if match is None:
        return None
    whole = match.group(1).replace(sep, "")
    return f"{whole}.{match.group(2)}" if match.group(2) else whole


def read_number(raw: str, *, near: float | None = None) -> float:
    """Return the number `raw` stands for; raise NotANumber with a sentence on how to write it.

    `near` is the value the question expects, used only for the one ambiguous form."""
    text = raw.strip()
    for minus in MINUS_SIGNS:
        text = text.replace(minus, "-")
    if not text:
        raise NotANumber(f"Write a number, {EXAMPLES}.")
    sign, body = ("-" if text[0] == "-" else ""), text.lstrip("+-")
    if len(text) - len(body) > 1:
        raise NotANumber(f"Use one sign at most, {EXAMPLES}.")
    if sign and near is not None:
        near = -near  # the body is read without its sign
    value = _read_body(body, near)
    if not math.isfinite(value):
        raise NotANumber(f"That number is too large: write one {EXAMPLES}.")
    return -value if sign else value


def _read_body(body: str, near: float | None) -> float:
    if re.fullmatch(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", body):
        return float(body)
    if re.fullmatch(r"[1-9]\d{0,2},\d{3}", body):  # "2,560": thousands or a decimal comma
        thousands, fraction = float(body.replace(",", "")), float(body.replace(",", "."))
        if near is not None and abs(fraction - near) < abs(thousands - near):
            return fraction
        return thousands
    if re.fullmatch(r"\d*,\d+", body):
        return float(body.replace(",", "."))
    for sep, decimal in [
        *((s, ".") for s in SPACES),
        *((s, ",") for s in SPACES),
        (",", "."),
        (".", ","),
    ]:
        plain = _grouped(body, sep, decimal)
        if plain is not None:
            return float(plain)
    if re.fullmatch(rf"[\d.,{SPACES}]+", body) and re.search(r"\d", body):
        raise NotANumber(
            "Group thousands in threes, like 2,560 or 1 000 000, use one decimal mark, "
            "like 0.25 or 0,25, or write the digits alone, like 2560."
        )
    if re.match(r"[\d.,]+\s*[^\d\s.,]", body):
        raise NotANumber("Write the number alone, without units or words, like 2560.")
    raise NotANumber(f"Write a number with digits, {EXAMPLES}.")
