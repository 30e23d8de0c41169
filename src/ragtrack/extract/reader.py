"""Bytes to lines: decoding, line endings, page breaks, odd spaces and running page furniture.

The reader is the only place that knows about encodings and form feeds; parsers see a clean
sequence of :class:`~ragtrack.records.Line` objects that still carry their original line
numbers and pages for provenance.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import regex

from ragtrack.errors import InputError, Remedy
from ragtrack.extract.furniture import drop_page_furniture
from ragtrack.limits import TEXT_MAX_BYTES
from ragtrack.records import Line, SourceText

log = logging.getLogger(__name__)

#: Default upper bound on a text source, in bytes; configurable per call.
DEFAULT_MAX_BYTES = TEXT_MAX_BYTES

#: Non-breaking and other Unicode spaces become plain spaces; zero-width characters go.
_ODD_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def _plain_spaces(text: str) -> str:
    """Odd spaces to plain ones (each character looked for with a C-speed scan)."""
    for ch in _ODD_SPACES:
        if ch in text:
            text = text.replace(ch, " ")
    for ch in _ZERO_WIDTH:
        if ch in text:
            text = text.replace(ch, "")
    return text


_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")


def decode(data: bytes, name: str = "<input>") -> tuple[str, str, tuple[str, ...]]:
    """Decode report bytes, returning ``(text, encoding, warnings)``.

    Accepts UTF-8 with or without BOM, UTF-16 with BOM, and falls back to cp1252. A file
    mixing the two (a cp1252 line pasted into UTF-8) is read sequence by sequence, each in
    its own encoding, with a warning naming the lines in the minority encoding.
    Raises :class:`InputError` for binary data or text in no encoding we can tell.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), "utf-16", ()
    bom = data.startswith(codecs.BOM_UTF8)
    if not bom:
        _refuse_binary(data[:65536], name)
    try:
        return data.decode("utf-8-sig" if bom else "utf-8"), "utf-8-sig" if bom else "utf-8", ()
    except UnicodeDecodeError:
        pass
    if not bom and _control_share(data[:65536]) > _BINARY_SHARE:
        # checked before the cp1252 fallback, which decodes almost any bytes: binary
        # garbage must be called binary, not text in an unknown encoding
        raise InputError("binary data, not a text report (control bytes found)", file=name)
    escaped = data.decode("utf-8", "surrogateescape")  # bytes that are not UTF-8 as U+DCxx
    if not _UTF8_EVIDENCE.search(escaped):  # nothing says UTF-8 (a BOM would): a cp1252 file
        return _cp1252(data, name), "cp1252", ()
    mixed = _decode_mixed(escaped, data, name)
    if bom:
        text = mixed.text.removeprefix("\ufeff")
        return text, "utf-8-sig", mixed.warnings(mixed.cp1252_lines, "cp1252")
    if len(mixed.utf8_lines) >= len(mixed.cp1252_lines):
        return mixed.text, "utf-8", mixed.warnings(mixed.cp1252_lines, "cp1252")
    return mixed.text, "cp1252", mixed.warnings(mixed.utf8_lines, "UTF-8")


def _cp1252(data: bytes, name: str) -> str:
    """``data`` as cp1252, else an error naming the line of the first byte it lacks."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise _undetectable(data, err.start, name) from None


def _undetectable(data: bytes, offset: int, name: str) -> InputError:
    """The error for a byte that is neither UTF-8 nor cp1252, naming its line (and page)."""
    head = data[:offset]
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return InputError(
        f"undetectable text encoding (not UTF-8, UTF-16 or cp1252; byte "
        f"0x{data[offset]:02x} at offset {offset})",
        file=name,
        page=head.count(b"\f") + 1 if b"\f" in data else None,
        line=line,
    )


def _refuse_binary(head: bytes, name: str) -> None:
    """NUL bytes: UTF-16 without a byte-order mark, or binary data."""
    if b"\x00" not in head:
        return
    if _utf16_without_bom(head):
        raise InputError(
            "UTF-16 text without a byte-order mark (its encoding cannot be told for sure); "
            "save it as UTF-8",
            file=name,
        )
    raise InputError("binary data, not a text report (NUL bytes found)", file=name)


_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x20)])
_BINARY_SHARE = 0.05  # more control characters than this and it is no text


def _control_share(head: bytes) -> float:
    """The share of control bytes (not tab, line breaks or form feed) in ``head``."""
    if not head:
        return 0.0
    return (len(head) - len(head.translate(None, _CONTROL_BYTES))) / len(head)


def _utf16_without_bom(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 text: NUL in nearly every other byte, and only there."""
    even, odd = head[0::2], head[1::2]
    for text, zeros in ((even, odd), (odd, even)):
        if zeros and zeros.count(0) > 0.9 * len(zeros) and text.count(0) < 0.1 * len(text):
            return True
    return False


#: Lines listed one warning each when a file mixes encodings; the rest are counted.
_MIXED_LISTED = 5
_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
_BREAK = regex.compile(r"[\r\n]")
_NON_ASCII = regex.compile(r"[^\x00-\x7f]")
#: A character decoded from valid non-ASCII UTF-8 (not an escaped byte ``U+DC80..U+DCFF``).
_UTF8_EVIDENCE = regex.compile(r"[^\x00-\x7f\udc80-\udcff]")
_ESCAPED = regex.compile(r"[\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class _Mixed:
    """Text decoded sequence by sequence, and where each encoding was found, as
    ``{line: page}``: lines holding valid non-ASCII UTF-8, and lines holding bytes that are
    not UTF-8 (read as cp1252)."""

    text: str
    utf8_lines: dict[int, int]
    cp1252_lines: dict[int, int]
    paged: bool  # the file has form feeds, so warnings name the page too

    def warnings(self, lines: dict[int, int], encoding: str) -> tuple[str, ...]:
        """One warning per line in the minority ``encoding`` (a few, then a count)."""
        if encoding == "cp1252":
            what = "bytes that are not UTF-8, unlike the rest of the file"
        else:
            what = "UTF-8 text in a file that is otherwise cp1252"
        listed = [
            f"{f'page {page}, ' if self.paged else ''}line {line}: {what}; read as {encoding}, "
            "check its characters"
            for line, page in list(lines.items())[:_MIXED_LISTED]
        ]
        if len(lines) > _MIXED_LISTED:
            more = len(lines) - _MIXED_LISTED
            listed.append(f"{more:,} more lines with {what}, read as {encoding} too")
        return tuple(listed)


def _decode_mixed(escaped: str, data: bytes, name: str) -> _Mixed:
    """Decode the lines that are valid UTF-8 as UTF-8 and each line holding bytes that are
    not as cp1252, counting lines (LF, CRLF, lone CR) and pages (form feeds) on the way.

    ``escaped`` is ``data`` decoded with ``surrogateescape``. Raises :class:`InputError` at
    the line of a byte that is neither (0x81 and a few more)."""
    parts: list[str] = []
    utf8: dict[int, int] = {}
    cp1252: dict[int, int] = {}
    line = page = 1
    pos = 0  # in ``escaped``: the end of what is decoded so far
    for hit in _ESCAPED.finditer(escaped):
        if hit.start() < pos:
            continue  # on a line already read as cp1252
        start = max(escaped.rfind("\n", pos, hit.start()), escaped.rfind("\r", pos, hit.start()))
        start = max(pos, start + 1)
        good = escaped[pos:start]  # whole lines of valid UTF-8
        parts.append(good)
        if not good.isascii():
            _note_non_ascii(good, line, page, utf8)
        line += good.count("\n") + good.count("\r") - good.count("\r\n")
        page += good.count("\f")
        end = _BREAK.search(escaped, hit.start())
        pos = end.start() if end else len(escaped)
        raw = escaped[start:pos].encode("utf-8", "surrogateescape")
        try:
            parts.append(raw.decode("cp1252"))
        except UnicodeDecodeError:  # UTF-8 and cp1252 within one line
            parts.append(_decode_line_mixed(raw, escaped, start, data, name))
        cp1252.setdefault(line, page + escaped.count("\f", start, hit.start()))
    rest = escaped[pos:]
    parts.append(rest)
    if not rest.isascii():
        _note_non_ascii(rest, line, page, utf8)
    return _Mixed("".join(parts), utf8, cp1252, "\f" in escaped)


def _decode_line_mixed(raw: bytes, escaped: str, start: int, data: bytes, name: str) -> str:
    """One line (``raw``, from ``escaped[start:]``) mixing UTF-8 and cp1252 within it, each
    byte sequence in its own encoding; an error naming the line for a byte that is neither."""
    parts: list[str] = []
    pos = 0
    while pos < len(raw):
        try:
            parts.append(raw[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            parts.append(raw[pos : pos + err.start].decode("utf-8"))
            bad, pos = pos + err.start, pos + err.end
        try:
            parts.append(raw[bad:pos].decode("cp1252"))
        except UnicodeDecodeError as err:
            before = len(escaped[:start].encode("utf-8", "surrogateescape"))
            raise _undetectable(data, before + bad + err.start, name) from None
    return "".join(parts)


def _note_non_ascii(chunk: str, line: int, page: int, found: dict[int, int]) -> None:
    """Record in ``found`` the lines of ``chunk`` (starting at ``line``) holding non-ASCII."""
    for offset, piece in enumerate(_LINE_BREAK.split(chunk)):
        if not piece.isascii():
            first = _NON_ASCII.search(piece)
            at = first.start() if first else 0
            found.setdefault(line + offset, page + piece.count("\f", 0, at))
        page += piece.count("\f")


def _strict(data: bytes, encoding: str, name: str) -> str:
    """``data`` in ``encoding``, else an error naming the line of the first bad byte."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        head = data[: err.start].decode(encoding, errors="replace")
        line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
        raise InputError(
            f"invalid {encoding} text (bad byte at offset {err.start})", file=name, line=line
        ) from None


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    return controls / len(sample) > _BINARY_SHARE


def split_lines(text: str) -> list[Line]:
    """Split decoded text into numbered lines with page numbers; form feeds start pages."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" not in text:  # one page: the common case, in one pass
        if not text.isascii():
            text = _plain_spaces(text)
        # tuple.__new__ builds the named tuple without its Python-level __new__: half the cost
        new = tuple.__new__
        return [new(Line, (n, 1, raw.rstrip())) for n, raw in enumerate(text.split("\n"), start=1)]
    lines: list[Line] = []
    page = 1
    for number, raw in enumerate(text.split("\n"), start=1):
        segments = raw.split("\f")
        for index, segment in enumerate(segments):
            if index:
                page += 1
            if not segment.strip() and len(segments) > 1:
                continue  # the form feed itself is no line of content
            cleaned = segment if segment.isascii() else _plain_spaces(segment)
            lines.append(Line(number=number, page=page, text=cleaned.rstrip()))
    return lines


#: Bytes of the size limit per line allowed. Memory follows the number of lines (a few hundred
#: bytes each while parsing), so a file of tiny lines is held to fewer lines than its bytes
#: suggest: the 64 MB default allows 2 million lines (report text averages 34 bytes a line).
BYTES_PER_LINE_ALLOWED = 32


def _check_line_count(text: str, name: str, max_bytes: int) -> None:
    """Refuse text with more lines than the size limit allows (before splitting it)."""
    limit = max(max_bytes // BYTES_PER_LINE_ALLOWED, 1)
    count = text.count("\n") + text.count("\r") - text.count("\r\n") + text.count("\f") + 1
    if count > limit:
        raise InputError(
            f"file has {count:,} lines, over the limit of {limit:,} lines (one per "
            f"{BYTES_PER_LINE_ALLOWED} bytes of the {max_bytes:,}-byte size limit)",
            file=name,
            remedy=Remedy.MAX_BYTES,
        )


def read_text_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Turn the bytes of a text report into a :class:`SourceText`."""
    if len(data) > max_bytes:
        raise InputError(
            f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes",
            file=name,
            remedy=Remedy.MAX_BYTES,
        )
    text, encoding, warnings = decode(data, name)
    if not text.strip():
        raise InputError(
            "empty file (no text)" if not text else "file holds only whitespace", file=name
        )
    if _looks_binary(text):
        raise InputError("binary data, not a text report", file=name)
    _check_line_count(text, name, max_bytes)
    lines, page_count = drop_page_furniture(split_lines(text))
    log.debug("%s: read %d lines over %d pages as %s", name, len(lines), page_count, encoding)
    return SourceText(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        source_format="text",
        pages=page_count,
        lines=tuple(lines),
        warnings=warnings,
    )


def read_file_bytes(path: Path, max_bytes: int) -> bytes:
    """A source file's bytes, refused with a one-line error when it is over ``max_bytes``
    (checked before reading, and never read past, even if the file grows meanwhile)."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes",
                file=name,
                remedy=Remedy.MAX_BYTES,
            )
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", file=name) from None


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read a text report from disk (I/O edge of the text pipeline)."""
    return read_text_bytes(read_file_bytes(path, max_bytes), path.name, max_bytes=max_bytes)
