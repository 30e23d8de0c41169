"""Direction-of-travel arrows drawn with symbol fonts, mapped to ``↑ → ↓`` per character.

Reports draw arrows as Unicode arrows, as Wingdings-style glyphs whose code points sit in the
private-use area (U+F0E7..U+F0EA and neighbours, or the bare byte when the font has no
Unicode map), with the Symbol font, whose arrow codes pdfminer decodes through the standard
encoding as the ligatures "fi"/"fl", or with ZapfDingbats, whose arrows pdfminer cannot name
at all (``(cid:212)``). Mapping must happen per character, with the font name, before any
ligature expansion: that is why backends call :func:`map_glyph` (or :func:`map_cid`) for
every character. :func:`level_arrow` then turns whatever arrow a direction cell holds
(``➚``, ``⬆``, ``↗``) into the three the parsers read.
"""

from __future__ import annotations

import unicodedata

import regex
from pdfminer.encodingdb import EncodingDB

UP, RIGHT, DOWN, LEFT = "↑", "→", "↓", "←"

#: Wingdings (1) codes (the byte; U+F000 + byte in the private-use area).
_WINGDINGS = {
    0xDF: LEFT,
    0xE0: RIGHT,
    0xE1: UP,
    0xE2: DOWN,
    0xE3: "↖",
    0xE4: "↗",
    0xE5: "↙",
    0xE6: "↘",
    0xE7: LEFT,
    0xE8: RIGHT,
    0xE9: UP,
    0xEA: DOWN,
    0xEB: "↖",
    0xEC: "↗",
    0xED: "↙",
    0xEE: "↘",
    0xEF: LEFT,
    0xF0: RIGHT,
    0xF1: UP,
    0xF2: DOWN,
    0xF3: "↔",
    0xF4: "↕",
    # bullets word processors set in Wingdings, so list items read the same as in text
    0x6C: "●",
    0x6E: "■",
    0x71: "❑",
    0x76: "❖",
    0x9F: "•",
    0xA7: "▪",
    0xD8: "➢",
    0xFC: "✓",
}
#: Wingdings 3 arrow codes.
_WINGDINGS3 = {
    0x66: LEFT,
    0x67: RIGHT,
    0x68: UP,
    0x69: DOWN,
    0xC5: LEFT,
    0xC6: RIGHT,
    0xC7: UP,
    0xC8: DOWN,
    0xD5: LEFT,
    0xD6: RIGHT,
    0xD7: UP,
    0xD8: DOWN,
}
#: Symbol font codes.
_SYMBOL = {
    0xAB: "↔",
    0xAC: LEFT,
    0xAD: UP,
    0xAE: RIGHT,
    0xAF: DOWN,
    0xDB: "⇔",
    0xDC: "⇐",
    0xDD: "⇑",
    0xDE: "⇒",
    0xDF: "⇓",
    0xB7: "•",
}  # the list bullet word processors set in Symbol
#: ZapfDingbats codes for its arrows (Adobe's mapping to the Unicode dingbat arrows).
_ZAPF = {0xD4: "\u2794", 0xD5: "→", 0xD6: "↔", 0xD7: "↕"}
_ZAPF.update({code: chr(0x2798 + code - 0xD8) for code in range(0xD8, 0xF0)})
_ZAPF.update({code: chr(0x27B1 + code - 0xF1) for code in range(0xF1, 0xFF)})

#: A symbol font's code from what pdfminer printed for it through the standard encoding
#: (``ﬁ`` is code 0xAE, Symbol's right arrow).
_STANDARD_CODE = {text: code for code, text in EncodingDB.std2unicode.items()}
_STANDARD_CODE.update({"fi": 0xAE, "fl": 0xAF})  # the ligatures, spelled out

#: Private-use code points mapped whatever the font claims to be: the Wingdings arrows.
_PRIVATE_USE = {0xF000 + code: glyph for code, glyph in _WINGDINGS.items() if code >= 0xDF}

#: Typographic ligatures a text font may draw as one glyph; pdfminer spells them out and
#: PDFium may not, so both are spelled out here to give the same text.
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}

_SUBSET_PREFIX = regex.compile(r"^[A-Z]{6}\+")


def base_font(name: str) -> str:
    """A font name without its subset tag, case-folded.

    ``ABCDEF+Wingdings-Regular`` -> ``wingdings-regular``.
    """
    return _SUBSET_PREFIX.sub("", name).casefold()


def _symbol_table(font: str) -> dict[int, str] | None:
    family = base_font(font)
    if "wingdings" in family:
        return _WINGDINGS3 if "3" in family else _WINGDINGS
    if "zapf" in family or "dingbat" in family:
        return _ZAPF
    if "symbol" in family:
        return _SYMBOL
    return None


def map_cid(code: int, font: str) -> str | None:
    """What a glyph pdfminer could only number (``(cid:212)``) shows, for symbol fonts."""
    table = _symbol_table(font)
    return table.get(code) if table is not None else None


def map_glyph(text: str, font: str) -> str:
    """The text to keep for one drawn character: symbol-font arrows and bullets mapped,
    ligatures spelled out, everything else unchanged."""
    if not text:
        return text
    code = ord(text[0]) if len(text) == 1 else None
    if code is not None and code < 0x80 and "wingdings" not in font.casefold():
        return text  # the common case: plain ASCII in a text font
    table = _symbol_table(font)
    if table is not None:
        if code is not None:
            byte = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
            if byte in table and (byte >= 0x80 or table is not _SYMBOL):
                return table[byte]
        standard = _STANDARD_CODE.get(text)
        if standard is not None and table is not _WINGDINGS3 and standard in table:
            return table[standard]
    if code is not None and code in _PRIVATE_USE:
        return _PRIVATE_USE[code]
    if text in _LIGATURES:
        return _LIGATURES[text]
    return text


def _arrow_direction(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    if "ARROW" not in name or "LEFT RIGHT" in name or "UP DOWN" in name:
        return None
    if "UPWARDS" in name or "NORTH EAST" in name or "NORTH WEST" in name:
        return UP
    if "DOWNWARDS" in name or "SOUTH EAST" in name or "SOUTH WEST" in name:
        return DOWN
    if "RIGHTWARDS" in name:
        return RIGHT
    return None


def level_arrow(text: str) -> str:
    """A direction cell holding one arrow of any style (``➚``, ``⬆``, ``⇨``, ``↘``) as the
    ``↑``, ``→`` or ``↓`` the parsers read; any other cell text unchanged."""
    stripped = text.strip()
    if len(stripped) != 1 or stripped in (UP, RIGHT, DOWN):
        return text
    return _arrow_direction(stripped) or text
