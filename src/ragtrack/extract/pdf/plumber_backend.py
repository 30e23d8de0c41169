"""The reference backend: pdfplumber (pdfminer.six) objects turned into page primitives.

Slow but well understood; the pypdfium2 backend must give the same rows. Characters are read
one by one with their font names, so Symbol-font arrows (which pdfminer decodes as "fi"/"fl")
are mapped before anything joins them into words.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from ragtrack.errors import InputError
from ragtrack.extract.pdf.glyphs import map_cid, map_glyph
from ragtrack.extract.pdf.page import (
    Box,
    Char,
    PageContent,
    Rule,
    colour_to_rgb,
    is_diagonal,
    is_level,
    page_view,
    rect_parts,
    text_direction,
    turned_char,
)


class PlumberPages:
    """An open PDF read through pdfplumber."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self.page_count = len(self._pdf.pages)
        except (PDFPasswordIncorrect, PDFEncryptionError):
            raise InputError("encrypted PDF (a password is needed to open it)", file=name) from None
        except PdfminerException as err:  # pdfplumber wraps what pdfminer raised
            inner = err.args[0] if err.args else err
            if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
                raise InputError(
                    "encrypted PDF (a password is needed to open it)", file=name
                ) from None
            raise InputError(
                f"not a readable PDF ({type(inner).__name__}: {inner})", file=name
            ) from None
        except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as err:
            raise InputError(
                f"not a readable PDF ({type(err).__name__}: {err})", file=name
            ) from None
        except Exception as err:  # pdfminer raises many ad hoc types on broken files
            if "password" in str(err).lower() or "encrypt" in type(err).__name__.lower():
                raise InputError(
                    "encrypted PDF (a password is needed to open it)", file=name
                ) from None
            raise InputError(
                f"not a readable PDF ({type(err).__name__}: {err})", file=name
            ) from None

    def close(self) -> None:
        self._pdf.close()

    def pages(self) -> Iterator[PageContent]:
        for index, page in enumerate(self._pdf.pages):
            try:
                content = _read_page(page, index + 1)
            except Exception as err:  # pdfminer: a broken content stream
                raise InputError(
                    f"page cannot be read ({type(err).__name__}: {err})",
                    file=self.name,
                    page=index + 1,
                ) from None
            finally:
                page.flush_cache()
            yield content


def _read_page(page: Any, number: int) -> PageContent:
    content = PageContent(number=number, width=float(page.width), height=float(page.height))
    # pdfplumber gives char matrices already turned with the page's /Rotate
    view = page_view(0, float(page.width), float(page.height))
    for obj in page.chars:
        text: str = obj["text"]
        font: str = obj.get("fontname") or ""
        if text.startswith("(cid:") and text.endswith(")"):
            named = map_cid(int(text[5:-1]), font) if text[5:-1].isdigit() else None
            if named is None:
                content.unmapped += 1
                continue  # no Unicode for this glyph: counted, never printed
            text = named
        elif text in ("\ufffd", "\x00"):
            content.unmapped += 1
            continue
        if text.isspace():
            continue  # words are told apart by the gaps between glyphs, as with PDFium
        text = map_glyph(text, font)
        matrix = obj.get("matrix")
        baseline = float(obj["bottom"])
        if matrix is not None:
            baseline = float(obj["bottom"]) + (float(obj["y0"]) - float(matrix[5]))
        size = float(obj.get("size") or (obj["bottom"] - obj["top"]))
        direction = (
            text_direction(float(matrix[0]), float(matrix[1]), view)
            if matrix is not None
            else (1.0, 0.0)
        )
        if is_level(direction):
            content.chars.append(
                Char(text, font, float(obj["x0"]), float(obj["x1"]), baseline, size)
            )
        elif is_diagonal(direction):
            content.diagonal.append(text)
        else:
            x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))
            corners = [(x0, top), (x1, top), (x0, bottom), (x1, bottom)]
            content.chars.append(turned_char(text, font, corners, direction, size))
    for obj in page.rects:
        rgb = colour_to_rgb(obj.get("non_stroking_color")) if obj.get("fill") else None
        fill, rules = rect_parts(
            float(obj["x0"]),
            float(obj["top"]),
            float(obj["x1"]),
            float(obj["bottom"]),
            filled=bool(obj.get("fill")),
            stroked=bool(obj.get("stroke")),
            rgb=rgb,
        )
        if fill:
            content.fills.append(fill)
        content.rules.extend(rules)
    for obj in page.lines:
        x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))
        if abs(x1 - x0) < 0.5 or abs(bottom - top) < 0.5:  # axis-aligned only
            if abs(bottom - top) < 0.5:
                top = bottom = round((top + bottom) / 2, 3)
            else:
                x0 = x1 = round((x0 + x1) / 2, 3)
            content.rules.append(Rule(x0, top, x1, bottom))
        else:
            content.boxes.append(Box(x0, top, x1, bottom, "shape"))
    for obj in page.curves:
        rgb = colour_to_rgb(obj.get("non_stroking_color")) if obj.get("fill") else None
        content.boxes.append(
            Box(
                float(obj["x0"]),
                float(obj["top"]),
                float(obj["x1"]),
                float(obj["bottom"]),
                "shape",
                rgb,
            )
        )
    for obj in page.images:
        content.boxes.append(
            Box(
                float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]), "image"
            )
        )
    return content
