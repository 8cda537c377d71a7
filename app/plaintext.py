"""Text a person can type: no NUL or other control characters (but tab and line breaks), no
unpaired surrogates, no Unicode non-characters. Such text can't be stored on every database
(PostgreSQL refuses NUL) or sent as UTF-8 (surrogates), so it is refused at the door, and
anything that got stored anyway is shown with U+FFFD in its place."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
REFUSED = (
    "Remove the invisible control characters from the text (they can't be stored): "
    "letters, digits, punctuation, spaces, tabs and line breaks are all fine."
)


def is_plain(text: str) -> bool:
    return _NOT_TEXT.search(text) is None


def check_plain(text: str) -> str:
    """Return `text` when a person could have typed it; raise ValueError otherwise."""
    if not is_plain(text):
        raise ValueError(REFUSED)
    return text


def printable(text: str) -> str:
    """Return `text` with anything that isn't plain text replaced by U+FFFD."""
    return _NOT_TEXT.sub("\ufffd", text)


PlainText = Annotated[str, AfterValidator(check_plain)]
