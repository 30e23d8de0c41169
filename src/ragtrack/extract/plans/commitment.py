"""Parsing a three-column commitment plan that came through OCR (the 2017/18 layout).

The printed table has three columns: commitments ("We will ..."), the actions under each
(bulleted; OCR reads the bullet as the letter ``e``) and "Target value or date". OCR reads it
mostly column by column, one blank-separated block per cell, but where the columns share a
baseline it reads straight across and interleaves them ("We will continue to improve our e
Deliver, in partnership, the"). There are no refs.

Rows are rebuilt from the structure of the text alone:

* a ``Priority:`` heading starts an outcome; a line opening "We will" starts a commitment;
* cells are blocks between blank lines; a bullet starts an action; a block that opens in
  lower case, or follows a line ending in a word that cannot end a cell ("and", "the"),
  carries on the cell before it;
* in a group read column by column, the actions come first and the targets after: the split
  point is where the block shapes change from the narrow action column to the wider target
  column (line widths measured with Helvetica metrics) and deadlines ("by March 2018") begin;
* a line too wide for any one column holds several columns: it is cut at bullets, at sentence
  ends and, failing those, where each piece best fits its column's width without splitting a
  quotation or bracket. Each such decision is reported as a warning with its line numbers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex
from pdfminer.fontmetrics import FONT_METRICS

from ragtrack.errors import ParseError
from ragtrack.extract.doctype import detect_plan_year
from ragtrack.extract.plans.common import plan_year_override
from ragtrack.extract.provenance import (
    WarningLog,
    document_record,
    ingest_date,
    quote,
    stable_id,
    warn_far_future_plan_year,
)
from ragtrack.extract.structure import Classified, is_header_fragment
from ragtrack.normalise.text import clean_text, join_wrapped
from ragtrack.normalise.values import MONTH_PATTERN
from ragtrack.records import ItemRecord, Kind, Line, ParsedDocument, SourceText

log = logging.getLogger(__name__)

COMMITMENT, ACTION, TARGET = 0, 1, 2
_COLUMN_NAMES = ("commitment", "action", "target")

_WIDTHS = FONT_METRICS["Helvetica"][1]
_PRIORITY = regex.compile(r"^\s*Priority\s*:\s*(?P<title>.*?)\s*$", regex.IGNORECASE)
_WE_WILL = regex.compile(r"^\s*We\s+will\b")
_LETTER = regex.compile(r"\p{L}")
_FIGURE_START = regex.compile(r"^[\d£$%]")
_TARGET_COLUMN = regex.compile(r"^\s*Target\s+value\s+or\s+date\s*$", regex.IGNORECASE)
#: A bullet as OCR reads it: a lone "e" (or a real bullet glyph) before a capitalised word.
_BULLET_START = regex.compile(r"^\s*(?:e|[•●▪◦·\-–])\s+(?=[\p{Lu}‘'\"(£\d])")
_BULLET_INSIDE = regex.compile(r"\s+(?:e|[•●▪])\s+(?=[\p{Lu}‘'\"(])")
_SENTENCE_INSIDE = regex.compile(r"(?<=[a-z\d)’'\"%][.!?][’'\"]?)\s+(?=[‘'\"]?\p{Lu})")
_TERMINAL = regex.compile(r"[.!?][’'\"”)]*\s*$")
#: Words that cannot end a cell: the text must go on.
_CONNECTOR = regex.compile(
    r"\b(?:and|or|of|for|to|the|a|an|in|on|at|with|by|from|our|their|its|as|that|which"
    r"|into|than|&)\s*$|[,\-–/(]\s*$",
    regex.IGNORECASE,
)
#: Determiners: a cell never ends on one, so this outranks every other continuation cue.
_DETERMINER_END = regex.compile(r"\b(?:the|a|an|our|their|its)\s*$", regex.IGNORECASE)
_DATE = regex.compile(rf"\b(?:{MONTH_PATTERN})\.?\s+(?:19|20)\d{{2}}\b", regex.IGNORECASE)
_DEADLINE = regex.compile(
    rf"\b(?:by|during|before|until)\s+(?:the\s+)?(?:end\s+(?:of\s+)?)?"
    rf"(?:(?:{MONTH_PATTERN})\.?\s+)?(?:19|20)\d{{2}}\b",
    regex.IGNORECASE,
)


@lru_cache(maxsize=65536)
def is_column_header(text: str) -> bool:
    """A column heading such as "Target value or date" (not a bare year: that is content)."""
    return (
        is_header_fragment(text) and bool(_LETTER.search(text)) and not text.rstrip().endswith(".")
    )


@lru_cache(maxsize=65536)
def text_width(text: str) -> float:
    """Printed width of ``text`` in 10pt Helvetica (points): the shape of an OCR'd line."""
    return sum(_WIDTHS.get(ch, 556) for ch in text.strip()) / 100.0


def _starts_lower(text: str) -> bool:
    stripped = text.lstrip(" ‘'\"(")
    return bool(stripped) and stripped[0].islower()


def _starts_new(text: str) -> bool:
    stripped = text.lstrip(" ‘'\"(")
    return bool(stripped) and (
        stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "£$"
    )


def _balanced(text: str) -> bool:
    return (
        text.count("(") == text.count(")")
        and text.count("‘") <= text.count("’")
        and text.count("“") == text.count("”")
    )


@dataclass
class Piece:
    line: Line
    text: str


@dataclass
class ColumnCell:
    """One rebuilt cell: a commitment, an action or a target, with the lines it came from."""

    column: int
    pieces: list[Piece] = field(default_factory=list)
    bulleted: bool = False

    @property
    def text(self) -> str:
        return clean_text(join_wrapped(p.text for p in self.pieces))

    @property
    def closed(self) -> bool:
        return bool(_TERMINAL.search(self.pieces[-1].text)) if self.pieces else True

    @property
    def must_continue(self) -> bool:
        if not self.pieces:
            return False
        last = self.pieces[-1].text
        return bool(_CONNECTOR.search(last)) or last.rstrip().endswith(":")

    @property
    def max_width(self) -> float:
        return max(text_width(p.text) for p in self.pieces)

    @property
    def lines(self) -> list[int]:
        return [p.line.number for p in self.pieces]


@dataclass
class Group:
    """A commitment with its actions and targets."""

    outcome_number: int
    outcome: str
    lines: list[Line]
    commitment: ColumnCell | None = None
    actions: list[ColumnCell] = field(default_factory=list)
    targets: list[ColumnCell] = field(default_factory=list)


@dataclass
class ColumnWidths:
    commitment: float = 150.0
    action: float = 123.0
    target: float = 157.0
    #: block width between the action and target columns' typical widths
    split: float = 126.0

    def of(self, column: int) -> float:
        return (self.commitment, self.action, self.target)[column] * 1.04


# ------------------------------------------------------------------ document to groups


def _groups(lines: list[Line], warnings: WarningLog) -> list[Group]:
    """Cut the document into commitment groups under their Priority headings."""
    groups: list[Group] = []
    outcome_number = 0
    outcome = ""
    i = 0
    current: Group | None = None
    stray: list[Line] = []
    while i < len(lines):
        line = lines[i]
        text = line.text
        if m := _PRIORITY.match(text):
            parts = [m["title"]]
            j = i + 1
            while j < len(lines):
                nxt = lines[j].text
                if not nxt.strip():
                    j += 1
                    continue
                if (
                    (_CONNECTOR.search(parts[-1]) or _starts_lower(nxt))
                    and not _WE_WILL.match(nxt)
                    and not is_column_header(nxt)
                ):
                    parts.append(nxt)
                    j += 1
                    continue
                break
            outcome_number += 1
            outcome = join_wrapped(parts)
            current = None
            i = j
            continue
        if not text.strip() or is_column_header(text):
            if current is not None:
                current.lines.append(line)
            i += 1
            continue
        if _WE_WILL.match(text):
            current = Group(outcome_number or 1, outcome, [line])
            groups.append(current)
        elif current is None:
            stray.append(line)
        else:
            current.lines.append(line)
        i += 1
    if stray:
        warnings.add(
            stray[0], f"{len(stray)} line(s) before any commitment ignored: {quote(stray[0].text)}"
        )
    return groups


def _blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if not line.text.strip() or is_column_header(line.text):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _is_mixed(line: Line, widths: ColumnWidths) -> bool:
    return text_width(line.text) > max(widths.commitment, widths.target) * 1.12


# ------------------------------------------------------------------ groups read column-wise


def _cells_of(
    blocks: list[list[Line]], column: int, warnings: WarningLog | None = None
) -> list[ColumnCell]:
    """Cells from blocks of one column: bullets and sentence starts after a full stop at a
    line start open a new cell; lower-case starts and dangling connectors carry on."""
    cells: list[ColumnCell] = []
    for block in blocks:
        for n, line in enumerate(block):
            text = line.text.strip()
            bullet = _BULLET_START.match(text)
            if bullet:
                text = text[bullet.end() :]
            cur = cells[-1] if cells else None
            if cur is None:
                new = True
            elif bullet:
                new = not cur.pieces[-1].text.rstrip().endswith(":") and not (
                    cur.bulleted and cur.pieces[0].text.rstrip().endswith(":")
                )
            elif n == 0:
                new = not (_starts_lower(text) or cur.must_continue)
            else:
                new = cur.closed and _starts_new(text)
            if new:
                cells.append(ColumnCell(column, [Piece(line, text)], bulleted=bool(bullet)))
            else:
                assert cur is not None
                cur.pieces.append(Piece(line, text))
                if bullet and warnings is not None:
                    warnings.add(
                        line,
                        f"bullet {quote(text, 40)} kept in the cell it lists "
                        f"under ({quote(cur.pieces[0].text, 40)}, line "
                        f"{cur.pieces[0].line.number})",
                    )
                cur.bulleted = cur.bulleted or bool(bullet)
    return cells


def _target_score(cell: ColumnCell, widths: ColumnWidths) -> float:
    """Evidence that a cell is a target rather than an action (positive: target)."""
    score = max(-2.0, min(2.0, (cell.max_width - widths.split) / 10.0))
    text = cell.text
    if _DATE.search(text) or _DEADLINE.search(text):
        score += 1.5
    if _FIGURE_START.match(text):
        score += 1.0
    if cell.bulleted:
        score -= 3.0
    return score


def _split_actions_targets(cells: list[ColumnCell], widths: ColumnWidths) -> int:
    """Index of the first target: actions are printed (read) before targets."""
    scores = [_target_score(c, widths) for c in cells]
    best_k, best = len(cells), 0.0
    suffix = 0.0
    for k in range(len(cells) - 1, -1, -1):
        suffix += scores[k]
        if suffix > best:
            best_k, best = k, suffix
    return best_k


def _parse_columnwise(
    group: Group, widths: ColumnWidths, warnings: WarningLog | None = None
) -> None:
    blocks = _blocks(group.lines)
    first = blocks.pop(0)
    commitment = ColumnCell(COMMITMENT, [Piece(ln, ln.text.strip()) for ln in first])
    while (
        blocks
        and not commitment.closed
        and (_starts_lower(blocks[0][0].text) or commitment.must_continue)
    ):
        commitment.pieces.extend(Piece(ln, ln.text.strip()) for ln in blocks.pop(0))
    cells = _cells_of(blocks, ACTION, warnings)
    k = _split_actions_targets(cells, widths)
    for cell in cells[k:]:
        cell.column = TARGET
    group.commitment = commitment
    group.actions = cells[:k]
    group.targets = cells[k:]


# ------------------------------------------------------------------ interleaved groups


def _fit_split(text: str, columns: list[int], widths: ColumnWidths) -> list[str] | None:
    """Cut ``text`` into ``len(columns)`` pieces, each filling its column as far as it fits
    (the way text wraps) without splitting a quotation or bracket."""
    words = text.split()
    if len(columns) == 1:
        return [text.strip()] if text_width(text) <= widths.of(columns[0]) else None
    for cut in range(len(words) - 1, 0, -1):
        head = " ".join(words[:cut])
        if text_width(head) > widths.of(columns[0]) or not _balanced(head):
            continue
        rest = _fit_split(" ".join(words[cut:]), columns[1:], widths)
        if rest is not None:
            return [head, *rest]
    return None


def _split_mixed(text: str, widths: ColumnWidths, prefer: int) -> tuple[list[str], list[int]]:
    """Cut a line that runs across columns into (pieces, columns), left to right.

    Bullets mark where an action starts; a sentence end inside a piece too wide for any
    column marks a column edge; what is still too wide is cut by column widths, trying
    as many columns as the previous interleaved line had first (``prefer``).
    """
    segs = _BULLET_INSIDE.split(text)
    parts: list[tuple[str, bool]] = [(segs[0], False)] + [(s, True) for s in segs[1:]]
    refined: list[tuple[str, bool]] = []
    for piece, bullet in parts:
        if text_width(piece) > max(widths.of(COMMITMENT), widths.of(TARGET)):
            sub = _SENTENCE_INSIDE.split(piece.strip())
            refined.append((sub[0], bullet))
            refined.extend((s, False) for s in sub[1:])
        else:
            refined.append((piece, bullet))
    parts = [(p.strip(), b) for p, b in refined if p.strip()]
    texts: list[str] = []
    columns: list[int] = []
    for index, (piece, bullet) in enumerate(parts):
        if bullet:
            start = ACTION
        elif index == 0:
            start = COMMITMENT
        else:
            start = min(TARGET, columns[-1] + 1)
            if start == ACTION and text_width(piece) > widths.of(ACTION):
                start = TARGET
        # the next piece's column bounds how far this one can reach
        limit = ACTION - 1 if index + 1 < len(parts) and parts[index + 1][1] else TARGET
        spans = [[start]]
        if start == COMMITMENT:
            three = [COMMITMENT, ACTION, TARGET]
            spans += (
                [three, [COMMITMENT, ACTION], [COMMITMENT, TARGET]]
                if prefer == 3
                else [[COMMITMENT, ACTION], [COMMITMENT, TARGET], three]
            )
        elif start == ACTION:
            spans.append([ACTION, TARGET])
        for span in spans:
            if max(span) > limit and span != [start]:
                continue
            split = _fit_split(piece, span, widths)
            if split is not None:
                texts.extend(split)
                columns.extend(span)
                break
        else:
            texts.append(piece)
            columns.append(start)
    return texts, columns


@dataclass
class _Streams:
    """The three columns followed as streams through lines that interleave them."""

    widths: ColumnWidths
    warnings: WarningLog
    cells: list[list[ColumnCell]] = field(default_factory=lambda: [[], [], []])
    last_stream: int | None = None
    after_mixed: bool = False
    blank_before: bool = False
    prefer: int = 2

    def current(self, col: int) -> ColumnCell | None:
        return self.cells[col][-1] if self.cells[col] else None

    def is_open(self, col: int) -> bool:
        cell = self.current(col)
        return cell is not None and not cell.closed

    def read(self, line: Line) -> None:
        """Add one line of the group to the stream(s) it belongs to."""
        text = line.text.strip()
        if not text or is_column_header(text):
            self.blank_before = True
            return
        if _is_mixed(line, self.widths) or (
            _BULLET_INSIDE.search(text) and not self.cells[COMMITMENT]
        ):
            self._read_mixed(line, text)
            self.after_mixed = True
        else:
            self._read_plain(line, text)
            self.after_mixed = False
        self.blank_before = False

    def _read_mixed(self, line: Line, text: str) -> None:
        """A line read across columns: cut it and add each piece to its column."""
        pieces, columns = _split_mixed(text, self.widths, self.prefer)
        self.prefer = max(2, len(set(columns)))
        described = " | ".join(
            f"{_COLUMN_NAMES[c]}: {quote(p, 40)}" for p, c in zip(pieces, columns, strict=True)
        )
        self.warnings.add(line, f"line read across columns, split as {described}")
        for piece, col in zip(pieces, columns, strict=True):
            cell = self.current(col)
            bullet = col == ACTION and piece is not pieces[0] and bool(_BULLET_INSIDE.search(text))
            if col == COMMITMENT and _WE_WILL.match(piece):
                new = True
            elif cell is None or cell.closed:
                new = col != COMMITMENT or _WE_WILL.match(piece) is not None
                if cell is not None and cell.closed and _starts_lower(piece):
                    new = False
            else:
                new = False
            self._add(col, line, piece, new, bullet)

    def _read_plain(self, line: Line, text: str) -> None:
        """A line of one column: a bullet, a commitment, or the stream it goes on with."""
        bullet_match = _BULLET_START.match(text)
        if bullet_match:
            self._add(ACTION, line, text[bullet_match.end() :], True, True)
        elif _WE_WILL.match(text) and not self.cells[COMMITMENT]:
            self._add(COMMITMENT, line, text, True)
        elif not self.blank_before and self.last_stream is not None and not self.after_mixed:
            cell = self.current(self.last_stream)
            new = cell is not None and cell.closed and _starts_new(text)
            self._add(self.last_stream, line, text, new)
        else:
            col = _choose_stream(
                line,
                text,
                self.cells,
                self.last_stream,
                self.after_mixed,
                self.widths,
                self.warnings,
            )
            cell = self.current(col)
            new = cell is None or (cell.closed and _starts_new(text))
            self._add(col, line, text, new)

    def _add(self, col: int, line: Line, text: str, new: bool, bullet: bool = False) -> None:
        cell = self.current(col)
        if col == COMMITMENT and not new and cell is not None and cell.closed:
            self._move_closing_word(cell, line)
        if new or cell is None:
            self.cells[col].append(ColumnCell(col, [Piece(line, text)], bulleted=bullet))
        else:
            cell.pieces.append(Piece(line, text))
        self.last_stream = col

    def _move_closing_word(self, cell: ColumnCell, line: Line) -> None:
        """The commitment carries on, so the full stop closing its last line belonged to
        another open column read across the same baseline ("council's care.")."""
        others = [c for c in (ACTION, TARGET) if self.is_open(c)]
        words = cell.pieces[-1].text.rsplit(" ", 1)
        if others and len(words) == 2:
            moved = words[1]
            cell.pieces[-1].text = words[0]
            target = self.current(others[0])
            assert target is not None
            target.pieces.append(Piece(cell.pieces[-1].line, moved))
            self.warnings.add(
                cell.pieces[-1].line,
                f"{quote(moved)} moved from the commitment "
                f"to the {_COLUMN_NAMES[others[0]]} column it closes (the "
                f"commitment goes on at line {line.number})",
            )


def _parse_interleaved(group: Group, widths: ColumnWidths, warnings: WarningLog) -> None:
    """Follow the three columns as streams through lines that interleave them."""
    streams = _Streams(widths, warnings)
    for line in group.lines:
        streams.read(line)
    commitments = streams.cells[COMMITMENT]
    if commitments:
        group.commitment = commitments[0]
        for extra in commitments[1:]:
            group.commitment.pieces.extend(extra.pieces)
    group.actions = streams.cells[ACTION]
    group.targets = streams.cells[TARGET]


def _choose_stream(
    line: Line,
    text: str,
    cells: list[list[ColumnCell]],
    last_stream: int | None,
    after_mixed: bool,
    widths: ColumnWidths,
    warnings: WarningLog,
) -> int:
    """Which column a line goes on with, when nothing on the line itself says."""
    width = text_width(text)

    def last(col: int) -> ColumnCell | None:
        return cells[col][-1] if cells[col] else None

    open_cells = {
        c: cell
        for c in (COMMITMENT, ACTION, TARGET)
        if (cell := last(c)) is not None and not cell.closed
    }
    fitting = [c for c in open_cells if width <= widths.of(c)]
    if after_mixed and fitting:
        return fitting[0]
    determiner = [c for c in fitting if _DETERMINER_END.search(open_cells[c].pieces[-1].text)]
    if determiner:
        return determiner[0]
    if last_stream in fitting and (_starts_lower(text) or open_cells[last_stream].must_continue):
        if len(fitting) > 1:
            warnings.add(
                line,
                f"{quote(text, 40)} could go on with the "
                + " or the ".join(_COLUMN_NAMES[c] for c in fitting)
                + f"; taken as the {_COLUMN_NAMES[last_stream]}",
            )
        return last_stream
    hanging = [c for c in fitting if open_cells[c].must_continue]
    if hanging:
        return hanging[0]
    if _starts_lower(text) and fitting:
        return min(fitting, key=lambda c: widths.of(c) - width)
    # a new cell: the target column once targets have begun or when too wide for an action
    if cells[TARGET] or width > widths.of(ACTION):
        return TARGET
    return ACTION


# ------------------------------------------------------------------ widths from the text


def _two_means_split(values: list[float]) -> float | None:
    """The cut between two clusters of values (exact 1-D k-means with k=2, via prefix sums)."""
    data = sorted(values)
    n = len(data)
    if n < 4:
        return None
    total = sum(data)
    total_sq = sum(v * v for v in data)
    best: tuple[float, float] | None = None
    left = left_sq = 0.0
    for k in range(1, n):
        left += data[k - 1]
        left_sq += data[k - 1] ** 2
        right, right_sq = total - left, total_sq - left_sq
        cost = (left_sq - left * left / k) + (right_sq - right * right / (n - k))
        if best is None or cost < best[0]:
            best = (cost, (left / k + right / (n - k)) / 2)
    return best[1] if best else None


def _measure_widths(groups: list[Group]) -> ColumnWidths:
    """Column widths of this document, from the groups read column by column."""
    widths = ColumnWidths()
    plain = [g for g in groups if not any(_is_mixed(ln, widths) for ln in g.lines)]
    cell_widths: list[float] = []
    for group in plain:
        blocks = _blocks(group.lines)[1:]
        cell_widths.extend(max(text_width(ln.text) for ln in b) for b in blocks)
    split = _two_means_split(cell_widths)
    if split is not None:
        widths.split = split
    for group in plain:
        _parse_columnwise(group, widths)

    def widest(cells: list[ColumnCell], default: float) -> float:
        found = [text_width(p.text) for c in cells for p in c.pieces]
        return max(found) if found else default

    widths.commitment = widest([g.commitment for g in plain if g.commitment], widths.commitment)
    widths.action = widest([c for g in plain for c in g.actions], widths.action)
    widths.target = widest([c for g in plain for c in g.targets], widths.target)
    return widths


# ------------------------------------------------------------------ records


def _group_items(
    source: SourceText, group: Group, ordinal: Counter[str], warnings: WarningLog
) -> list[ItemRecord]:
    """A group's items: its actions, then its targets (kind ``measure``). ``ordinal`` counts
    the items of each kind so far in the document (for their ids)."""
    commitment = group.commitment.text if group.commitment else None
    if not group.actions:
        warnings.add(group.lines[0], f"no actions found beside {quote(commitment or '')}")
    if not group.targets:
        warnings.add(group.lines[0], f"no targets found beside {quote(commitment or '')}")
    items: list[ItemRecord] = []
    kinds: tuple[tuple[Kind, list[ColumnCell]], ...] = (
        ("action", group.actions),
        ("measure", group.targets),
    )
    for kind, cells in kinds:
        for cell in cells:
            if not cell.closed and not cell.text.endswith(":"):
                warnings.add(
                    cell.pieces[-1].line,
                    f"{kind} {quote(cell.text, 50)} ends without a full stop; check it is whole",
                )
            items.append(_cell_item(source, group, cell, kind, ordinal[kind], commitment))
            ordinal[kind] += 1
    return items


def _cell_item(
    source: SourceText,
    group: Group,
    cell: ColumnCell,
    kind: Kind,
    ordinal: int,
    commitment: str | None,
) -> ItemRecord:
    numbers = cell.lines
    return ItemRecord(
        document_id=source.sha256,
        item_id=stable_id(source.sha256, kind, None, ordinal),
        kind=kind,
        ref=None,
        outcome_number=group.outcome_number,
        outcome=group.outcome or None,
        supporting_outcome=commitment,
        section="actions" if kind == "action" else "targets",
        text=cell.text,
        milestone=None,
        milestone_date=None,
        rag=None,
        direction=None,
        direction_raw=None,
        responsible=None,
        page=cell.pieces[0].line.page,
        line_start=min(numbers),
        line_end=max(numbers),
    )


def parse_commitment_plan(
    source: SourceText,
    plan_year: str | None = None,
    *,
    today: dt.date | None = None,
    classes: list[Classified] | None = None,
) -> ParsedDocument:
    """Parse an OCR'd three-column commitment plan: one item per action and per target.

    Priority headings become outcomes numbered in order, each "We will ..." commitment the
    supporting outcome of the rows beside it; actions are kind ``action``, targets kind
    ``measure``, with no refs. ``classes``: the lines already classified (for the plan year).
    Raises :class:`ParseError` when no rows are found.
    """
    warnings = WarningLog(source.pages)
    # spacing carries no meaning in this layout: fold tabs and runs of spaces, trim the ends
    lines = [Line(ln.number, ln.page, " ".join(ln.text.split())) for ln in source.lines]
    if not any(_PRIORITY.match(ln.text) or _TARGET_COLUMN.match(ln.text) for ln in lines):
        raise ParseError(
            "no 'Priority:' heading or 'Target value or date' column found: "
            "this does not read as a three-column commitment plan",
            file=source.name,
        )
    groups = _groups(lines, warnings)
    widths = _measure_widths(groups)
    for group in groups:
        if any(_is_mixed(ln, widths) for ln in group.lines):
            _parse_interleaved(group, widths, warnings)
        else:
            _parse_columnwise(group, widths, warnings)
    year = plan_year_override(plan_year, source.name) or detect_plan_year(source, classes)
    if plan_year is None:  # a year the user gives is theirs; one read from the text is checked
        warn_far_future_plan_year(year, lines, warnings, ingest_date(today))
    ordinal: Counter[str] = Counter()
    items = [item for group in groups for item in _group_items(source, group, ordinal, warnings)]
    if not items:
        raise ParseError(
            "no commitments with actions or targets found: this does not read "
            "as a three-column commitment plan",
            file=source.name,
        )
    document = document_record(source, "delivery_plan", warnings, plan_year=year)
    return ParsedDocument(document=document, items=tuple(items), commentary=())
