"""Direction-of-travel arrows drawn with symbol fonts, mapped to ``↑ → ↓`` per character.

Reports draw arrows as Unicode arrows, as Wingdings-style glyphs whose code points sit in the
private-use area (U+F0E7..U+F0EA and neighbours, or the bare byte when the font has no
Unicode map), or with the Symbol font, whose arrow codes pdfminer decodes through the standard
encoding as the ligatures "fi"/"fl". Mapping must happen per character, with the font name,
before any ligature expansion: that is why backends call :func:`map_glyph` for every char.
"""

from __future__ import annotations

import regex as re

UP, RIGHT, DOWN, LEFT = "↑", "→", "↓", "←"

#: Wingdings (1) arrow codes (the byte; U+F000 + byte in the private-use area).
_WINGDINGS = {
    0xDF: LEFT, 0xE0: RIGHT, 0xE1: UP, 0xE2: DOWN,
    0xE3: "↖", 0xE4: "↗", 0xE5: "↙", 0xE6: "↘",
    0xE7: LEFT, 0xE8: RIGHT, 0xE9: UP, 0xEA: DOWN,
    0xEB: "↖", 0xEC: "↗", 0xED: "↙", 0xEE: "↘",
    0xEF: LEFT, 0xF0: RIGHT, 0xF1: UP, 0xF2: DOWN,
    0xF3: "↔", 0xF4: "↕",
    # bullets word processors set in Wingdings, so list items read the same as in text
    0x6C: "●", 0x6E: "■", 0x71: "❑", 0x76: "❖", 0x9F: "•", 0xA7: "▪", 0xD8: "➢",
    0xFC: "✓",
}
#: Wingdings 3 arrow codes.
_WINGDINGS3 = {
    0x66: LEFT, 0x67: RIGHT, 0x68: UP, 0x69: DOWN,
    0xC5: LEFT, 0xC6: RIGHT, 0xC7: UP, 0xC8: DOWN,
    0xD5: LEFT, 0xD6: RIGHT, 0xD7: UP, 0xD8: DOWN,
}
#: Symbol font arrow codes.
_SYMBOL = {0xAB: "↔", 0xAC: LEFT, 0xAD: UP, 0xAE: RIGHT, 0xAF: DOWN,
           0xDB: "⇔", 0xDC: "⇐", 0xDD: "⇑", 0xDE: "⇒", 0xDF: "⇓",
           0xB7: "•"}  # the list bullet word processors set in Symbol
#: What pdfminer prints for those Symbol codes when it decodes them with the standard
#: encoding (the glyph names there are guilsinglleft, guilsinglright, fi, fl, ...).
_SYMBOL_AS_STANDARD = {"‹": LEFT, "›": UP, "ﬁ": RIGHT, "ﬂ": DOWN, "fi": RIGHT, "fl": DOWN}

#: Private-use code points mapped whatever the font claims to be: the Wingdings arrows.
_PRIVATE_USE = {0xF000 + code: glyph for code, glyph in _WINGDINGS.items() if code >= 0xDF}

#: Typographic ligatures a text font may draw as one glyph; pdfminer spells them out and
#: PDFium may not, so both are spelled out here to give the same text.
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def base_font(name: str) -> str:
    """A font name without its subset tag, case-folded.

    ``ABCDEF+Wingdings-Regular`` -> ``wingdings-regular``.
    """
    return _SUBSET_PREFIX.sub("", name).casefold()


def map_glyph(text: str, font: str) -> str:
    """The text to keep for one drawn character: arrows mapped, everything else unchanged."""
    if not text:
        return text
    code = ord(text[0]) if len(text) == 1 else None
    if code is not None and code < 0x80 and "wingdings" not in font.casefold():
        return text  # the common case: plain ASCII in a text font
    family = base_font(font)
    if "wingdings" in family:
        table = _WINGDINGS3 if ("3" in family or "wingdings3" in family) else _WINGDINGS
        if code is not None:
            byte = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
            if byte in table:
                return table[byte]
    if "symbol" in family:
        if text in _SYMBOL_AS_STANDARD:
            return _SYMBOL_AS_STANDARD[text]
        if code is not None:
            byte = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
            if byte in _SYMBOL:
                return _SYMBOL[byte]
    if code is not None and code in _PRIVATE_USE:
        return _PRIVATE_USE[code]
    if text in _LIGATURES:
        return _LIGATURES[text]
    return text
