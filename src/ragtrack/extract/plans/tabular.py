"""Parsing a tabular delivery plan (the 2019/20 layout) into item records.

A delivery plan sets out, per outcome, tables of actions with a milestone and the officer(s)
responsible ("Year 2 Actions and Milestones (2019/20)"), tables of actions planned for later
years (no milestone), and the measures for the year ("How we will measure progress against
this outcome"). The text comes from a PDF tool, so cells wrap over lines, the milestone and the
officer share a line, the supporting-outcome label is often printed after the table it labels,
and branding lines repeat on every page. Stages: classify lines -> find furniture and
unnumbered outcome headings -> cut rows -> split each row into its cells -> attach context.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

import regex

from ragtrack.errors import ParseError
from ragtrack.extract.doctype import doc_type_scores
from ragtrack.extract.furniture import CONNECTOR_END, find_branding, furniture_key
from ragtrack.extract.plans.common import majority, plan_year_override
from ragtrack.extract.provenance import (
    WarningLog,
    document_record,
    ingest_date,
    quote,
    stable_id,
    warn_far_future_plan_year,
)
from ragtrack.extract.structure import (
    Classified,
    LineKind,
    classify_lines,
    is_header_fragment,
    row_ref,
)
from ragtrack.normalise.kinds import PlanYear, Ref
from ragtrack.normalise.refs import canonical_ref, ref_outcome, ref_prefix
from ragtrack.normalise.text import CELL_LINE_BREAK, clean_text, fold_spaces, join_wrapped
from ragtrack.normalise.values import MONTH_PATTERN, milestone_date
from ragtrack.records import ItemRecord, Kind, Line, ParsedDocument, SourceText

log = logging.getLogger(__name__)


#: A milestone cell: "By March 2020", "By September" (year wrapped to the next line),
#: "Ongoing", "Throughout Plan".
_MS = (
    rf"(?:By\s+(?:the\s+)?(?:end\s+(?:of\s+)?)?(?i:{MONTH_PATTERN})\.?(?:\s+(?:19|20)\d{{2}})?"
    r"|(?i:On[\s-]?going|Throughout(?:\s+(?:the\s+)?(?:Plan|Year))?|Annually|Quarterly|TBC))"
)
#: Words that open an officer's title in a "responsible" cell.
_OFFICER = (
    r"(?:AD|A\.D\.|Assistant\s+Director|Asst|Director|Executive|Chief|Head\s+of|Deputy"
    r"|Delivered\s+by|Corporate\s+Director|Senior|Lead\s+(?:Officer|Member)|Service\s+Manager"
    r"|Cabinet\s+Member|Strategic\s+Director|ELT|Extended\s+Leadership)\b"
)
_MS_LINE = regex.compile(rf"^\s*(?P<ms>{_MS})(?:\s+(?P<resp>{_OFFICER}.*?))?\s*$")
_MS_INLINE = regex.compile(
    rf"(?:(?<=[.;:)!?’'\"])\s+|\s{{2,}})(?P<ms>{_MS})(?:\s+(?P<resp>{_OFFICER}.*?))?\s*$"
)
_OFFICER_LINE = regex.compile(rf"^\s*(?P<resp>{_OFFICER}.*?)\s*$")
_OFFICER_INLINE = regex.compile(rf"(?:(?<=[.;:)!?])\s+|\s{{2,}})(?P<resp>{_OFFICER}.*?)\s*$")
_BARE_YEAR = regex.compile(r"^\s*(?:19|20)\d{2}\s*$")
#: A page number run into the end of a cell: "AD - Education and Skills166".
_GLUED_PAGE_NUMBER = regex.compile(r"(?<=\p{L})(?P<num>\d{1,4})\s*$")
#: Words after which an officer's title must go on ("AD - Integration and" / "Partnerships").
_OFFICER_OPEN_END = regex.compile(
    r"(?:\b(?:and|&|of|for|the|Executive|Assistant|Asst|Deputy|Chief|Senior|Acting|Interim)"
    r"|[-–/&,])\s*$",
    regex.IGNORECASE,
)
_COUNCIL_LINE = regex.compile(
    r"^\s*(?P<name>\p{Lu}[\w'’-]+(?:\s+\p{Lu}[\w'’-]+){0,3}\s+Council)\s*$"
)
_TITLE_LIKE = regex.compile(r"^\s*\p{Lu}[^\d.:;!?]*$")


# ------------------------------------------------------------------ furniture and headings


def _structural(c: Classified) -> bool:
    return c.kind not in (LineKind.TEXT, LineKind.BLANK)


def _standalone(classes: list[Classified], i: int) -> bool:
    before = classes[i - 1] if i else None
    after = classes[i + 1] if i + 1 < len(classes) else None
    return (before is None or before.kind is not LineKind.TEXT) and (
        after is None or after.kind is not LineKind.TEXT
    )


def find_unnumbered_outcomes(
    lines: list[Line], classes: list[Classified], furniture: set[int]
) -> dict[int, tuple[int, str]]:
    """Headings printed without a number ("New ways of working and achieving financial
    sustainability"): index -> (number, title). The number is the one its rows' refs carry."""
    numbered = {c.number for c in classes if c.kind is LineKind.OUTCOME and c.number}
    found: dict[int, tuple[int, str]] = {}
    titles: dict[str, int] = {}
    candidates: list[int] = []
    for i, (line, c) in enumerate(zip(lines, classes, strict=True)):
        if c.kind is LineKind.OUTCOME:
            candidates = []
            continue
        if c.kind is not LineKind.TEXT:
            continue
        ref = row_ref(line.text)
        if ref is not None:
            number = ref_outcome(ref)
            if candidates and number is not None and number not in numbered:
                # a heading that is not branding first; else the first candidate at all
                chosen = next((k for k in candidates if k not in furniture), candidates[0])
                title = fold_spaces(lines[chosen].text)
                found[chosen] = (number, title)
                titles[furniture_key(title)] = number
                numbered.add(number)
            candidates = []
            continue
        if (
            _TITLE_LIKE.match(line.text)
            and 3 <= len(line.text.split()) <= 12
            and _standalone(classes, i)
        ):
            candidates.append(i)
    for i, (line, c) in enumerate(zip(lines, classes, strict=True)):
        if c.kind is LineKind.TEXT and i not in found and furniture_key(line.text) in titles:
            found[i] = (titles[furniture_key(line.text)], fold_spaces(line.text))
    return found


# ------------------------------------------------------------------ rows and cells


@dataclass
class PlanRow:
    ref: Ref
    lines: list[Line]
    #: for each line, whether a blank line stood before it inside the row
    after_blank: list[bool]
    kind: Kind
    section: str
    has_milestone: bool
    outcome_number: int | None
    supporting: str | None = None
    supporting_pending: bool = False


@dataclass
class RowCells:
    text: str
    milestone: str | None
    responsible: str | None
    line_end: int
    #: lines at the end of the row that belong to no cell
    leftover: list[Line] = field(default_factory=list)


def _officer_continues(current: str, line: str) -> bool | None:
    """Whether ``line`` goes on with the officer ``current`` (True), starts a new officer
    (False) or is not part of the responsible cell at all (None)."""
    stripped = line.strip()
    opens = _OFFICER_LINE.match(stripped) is not None
    ends_open = _OFFICER_OPEN_END.search(current) is not None
    if opens and (not ends_open or current.rstrip().endswith("/")):
        return False
    if ends_open or stripped[:1] in "-–&/" or stripped[:1].islower():
        return True
    words = stripped.split()
    if (
        len(words) <= 4
        and not regex.search(r"\d|[.;:!?]$|\(", stripped)
        and all(w[:1].isupper() or w.casefold() in {"and", "&", "of", "for"} for w in words)
    ):
        return True
    return None


def _responsible(
    pieces: list[tuple[Line, str]], warnings: WarningLog
) -> tuple[str | None, int, int]:
    """Join the officer lines of a cell: wrapped lines single-spaced, officers on separate
    lines with ``' / '``. Returns (text, last line used, number of pieces used)."""
    officers: list[list[str]] = []
    used = 0
    last = pieces[0][0].number if pieces else 0
    for line, text in pieces:
        glued = _GLUED_PAGE_NUMBER.search(text)
        if glued:
            warnings.add(line, f"page number {glued['num']} run into the officer cell removed")
            text = text[: glued.start()]
        if not officers:
            officers.append([text])
        else:
            continues = _officer_continues(" ".join(officers[-1]), text)
            if continues is None:
                break
            if continues:
                officers[-1].append(text)
            else:
                officers.append([text])
        used += 1
        last = line.number
    names = [join_wrapped(parts).rstrip("/ ").strip() for parts in officers]
    names = [n for n in names if n]
    return (" / ".join(names) if names else None), last, used


def _tab_cells(row: PlanRow, body: str, warnings: WarningLog) -> RowCells:
    """A row laid out as tab-separated cells (as the PDF reader gives tables):
    text, milestone (year actions only) and responsible officer(s)."""
    cells = [cell.strip() for cell in body.split("\t")]
    if cells and not cells[0]:
        cells = cells[1:]  # the tab after the ref
    text = cells[0] if cells else ""
    rest = cells[1:]
    milestone = None
    if row.has_milestone and rest:
        milestone = fold_spaces(rest.pop(0).replace(CELL_LINE_BREAK, " ")) or None
    officer_cells = [c for c in rest if c]
    if row.kind == "measure" and officer_cells:
        warnings.add(row.lines[0], f"cells after the measure text of {row.ref} ignored")
        officer_cells = []
    pieces = [
        (row.lines[0], piece.strip())
        for cell in officer_cells
        for piece in cell.split(CELL_LINE_BREAK)
        if piece.strip()
    ]
    responsible = _responsible(pieces, warnings)[0] if pieces else None
    return RowCells(
        text=clean_text(text),
        milestone=milestone,
        responsible=responsible,
        line_end=row.lines[-1].number,
    )


def split_cells(row: PlanRow, warnings: WarningLog) -> RowCells:
    """Split a row's lines into its text, milestone and responsible cells."""
    text_parts: list[str] = []
    milestone: str | None = None
    resp_pieces: list[tuple[Line, str]] = []
    state = "text"
    lines = row.lines
    i = 0
    first = lines[0].text
    first_body = first.strip()[len(row.ref) :] if first.strip().startswith(row.ref) else first
    if "\t" in first_body and len(lines) == 1:
        return _tab_cells(row, first_body, warnings)
    bodies = [first_body] + [ln.text for ln in lines[1:]]
    while i < len(lines):
        line, body, blank_before = lines[i], bodies[i], row.after_blank[i]
        if state == "text":
            if row.has_milestone and i and blank_before and (m := _MS_LINE.match(body)):
                milestone = m["ms"]
                if m["resp"]:
                    resp_pieces.append((line, m["resp"]))
                state = "milestone"
            elif row.has_milestone and (m := _MS_INLINE.search(body)):
                text_parts.append(body[: m.start()])
                milestone = m["ms"]
                if m["resp"]:
                    resp_pieces.append((line, m["resp"]))
                state = "milestone"
            elif i and blank_before and _OFFICER_LINE.match(body):
                resp_pieces.append((line, body.strip()))
                state = "resp"
            elif not row.has_milestone and (m := _OFFICER_INLINE.search(body)):
                text_parts.append(body[: m.start()])
                resp_pieces.append((line, m["resp"]))
                state = "resp"
            else:
                text_parts.append(body)
            i += 1
            continue
        if state == "milestone":
            state = "resp"
            if milestone and not regex.search(r"\d{4}", milestone) and _BARE_YEAR.match(body):
                milestone = f"{milestone} {body.strip()}"
                i += 1
                continue
        resp_pieces.append((line, body.strip()))
        i += 1
    return _row_cells(lines, text_parts, milestone, resp_pieces, warnings)


def _row_cells(
    lines: list[Line],
    text_parts: list[str],
    milestone: str | None,
    resp_pieces: list[tuple[Line, str]],
    warnings: WarningLog,
) -> RowCells:
    """The cells of a row from its text pieces, milestone and candidate officer pieces: the
    pieces after the officers that are not officers are left over (they belong to no cell)."""
    responsible, last, used = _responsible(resp_pieces, warnings)
    leftover = [ln for ln, _ in resp_pieces[used:]]
    text = clean_text(join_wrapped(text_parts))
    used_lines = [ln.number for ln in lines if ln not in leftover]
    line_end = max([last, *used_lines]) if resp_pieces[:used] else max(used_lines)
    if milestone:
        milestone = fold_spaces(milestone)
    return RowCells(
        text=text,
        milestone=milestone,
        responsible=responsible,
        line_end=line_end,
        leftover=leftover,
    )


# ------------------------------------------------------------------ lines to rows


@dataclass
class RowCut:
    """What cutting the lines into rows found: the rows, where each supporting-outcome label
    and each milestone table fell (as a count of rows before it), and lines in no row."""

    rows: list[PlanRow] = field(default_factory=list)
    #: (rows before the label, label)
    supporting_labels: list[tuple[int, str]] = field(default_factory=list)
    #: rows before each milestone table's heading
    milestone_tables: list[int] = field(default_factory=list)
    unplaced: list[Line] = field(default_factory=list)


@dataclass
class _RowCutter:
    """Walks the classified lines once, keeping the table context each row is read in."""

    lines: list[Line]
    classes: list[Classified]
    furniture: set[int]
    unnumbered: dict[int, tuple[int, str]]
    warnings: WarningLog
    cut: RowCut = field(default_factory=RowCut)
    section: str = "actions"
    has_milestone: bool = False
    measures_context: bool = False
    outcome_number: int | None = None
    current: PlanRow | None = None
    blank_seen: bool = False

    def run(self) -> RowCut:
        i = 0
        while i < len(self.lines):
            i = self._step(i) + 1
        return self.cut

    def _step(self, i: int) -> int:
        """Take line ``i`` (and any lines that continue it); the index of the last taken."""
        c = self.classes[i]
        if c.kind is LineKind.BLANK:
            self.blank_seen = True
            if self.current is not None and self.current.kind == "measure":
                self.current = None
            return i
        if i in self.furniture:
            self.current = None
            return i
        if i in self.unnumbered or c.kind is LineKind.OUTCOME:
            return self._outcome(i, c)
        if _structural(c):
            self.current = None
            return self._heading(i, c)
        return self._text(i)

    def _outcome(self, i: int, c: Classified) -> int:
        self.current = None
        self.measures_context = False
        number = self.unnumbered[i][0] if i in self.unnumbered else c.number
        if number is not None:
            self.outcome_number = number
        return i

    def _heading(self, i: int, c: Classified) -> int:
        """A structural line other than an outcome heading: it sets the table context."""
        if c.kind is LineKind.SUPPORTING:
            return self._supporting(i, c)
        if c.kind is LineKind.PLAN_ACTIONS:
            self.section = c.value or "actions"
            self.has_milestone = self.section == "year_actions"
            self.measures_context = False
            if self.has_milestone:
                self.cut.milestone_tables.append(len(self.cut.rows))
        elif c.kind is LineKind.TABLE_HEADER:
            self.has_milestone = c.has_milestone
            self.measures_context = c.measures
            while i + 1 < len(self.lines) and is_header_fragment(self.lines[i + 1].text):
                i += 1
        elif c.kind in (LineKind.MEASURES, LineKind.PLAN_MEASURES):
            # a heading above a list makes its bare refs measures; one printed below the list
            # is followed by the next outcome's heading, which clears this again
            self.measures_context = True
        else:
            line = self.lines[i]
            self.warnings.add(
                line, f"heading not expected in a delivery plan ignored: {quote(line.text)}"
            )
        return i

    def _supporting(self, i: int, c: Classified) -> int:
        """A supporting-outcome label, with the lines its wrapped words went on to."""
        parts = [c.value or ""]
        while (
            i + 1 < len(self.lines)
            and self.classes[i + 1].kind is LineKind.TEXT
            and (self.lines[i + 1].text.strip()[:1].islower() or CONNECTOR_END.search(parts[-1]))
        ):
            i += 1
            parts.append(self.lines[i].text)
        self.cut.supporting_labels.append((len(self.cut.rows), join_wrapped(parts)))
        return i

    def _text(self, i: int) -> int:
        """A line of text: a new row when it opens with a ref, else part of the current row."""
        line = self.lines[i]
        ref = row_ref(line.text)
        if ref is not None and self.current is not None and not self.blank_seen:
            # "3.5 million of savings ..." wrapped inside a row is a figure, not a new row
            after = line.text.strip()[len(ref) :].lstrip()
            if after[:1].islower():
                ref = None
        if ref is None and self.current is None:
            self.cut.unplaced.append(line)  # a blank before it still counts for the next line
            return i
        if ref is not None:
            self._start_row(line, canonical_ref(ref))
        elif self.current is not None:
            self.current.lines.append(line)
            self.current.after_blank.append(self.blank_seen)
        self.blank_seen = False
        return i

    def _start_row(self, line: Line, ref: Ref) -> None:
        is_measure = ref_prefix(ref) == "M" or self.measures_context
        number = ref_outcome(ref)
        if self.outcome_number is not None and number is not None and number != self.outcome_number:
            self.warnings.add(line, f"ref {ref} sits under outcome {self.outcome_number}")
        self.current = PlanRow(
            ref=ref,
            lines=[line],
            after_blank=[False],
            kind="measure" if is_measure else "action",
            section="measures" if is_measure else self.section,
            has_milestone=self.has_milestone and not is_measure,
            outcome_number=number if number is not None else self.outcome_number,
        )
        self.cut.rows.append(self.current)
        if "\t" in line.text.strip():
            self.current = None  # a tab-separated row is whole on its line


def cut_rows(
    lines: list[Line],
    classes: list[Classified],
    furniture: set[int],
    unnumbered: dict[int, tuple[int, str]],
    warnings: WarningLog,
) -> RowCut:
    """Cut the lines into rows, each opened by its ref, skipping furniture and headings."""
    return _RowCutter(lines, classes, furniture, unnumbered, warnings).run()


# ------------------------------------------------------------------ document-level facts


def _check_not_progress_report(source: SourceText, classes: list[Classified]) -> None:
    scores = doc_type_scores(source, classes)
    if scores["delivery_plan"] == 0 and scores["progress_report"] > 0:
        raise ParseError(
            "this reads as a progress report (RAG column, 'Progress to' date or "
            "commentary headings), not a delivery plan",
            file=source.name,
        )


def _plan_year(
    source: SourceText,
    classes: list[Classified],
    plan_year: str | None,
    today: dt.date | None,
    warnings: WarningLog,
) -> PlanYear | None:
    """The plan's year: the user's, else the action tables' headings' by majority, else the
    measures headings'. Headings that state another year are warned about."""
    lines = source.lines
    stated_years = [
        (i, c.plan_year)
        for i, c in enumerate(classes)
        if c.kind is LineKind.PLAN_ACTIONS and c.plan_year
    ]
    year = plan_year_override(plan_year, source.name) or majority([y for _, y in stated_years])
    if year is None:
        year = majority(
            [c.plan_year for c in classes if c.kind is LineKind.PLAN_MEASURES and c.plan_year]
        )
    if plan_year is None:  # a year the user gives is theirs; one read from the text is checked
        warn_far_future_plan_year(year, list(lines), warnings, ingest_date(today))
    for i, stated in stated_years:
        if year and stated != year:
            warnings.add(
                lines[i],
                f"table heading states {stated} in a {year} plan; its rows are kept as {year}",
            )
    return year


def _outcome_titles(
    lines: list[Line],
    classes: list[Classified],
    unnumbered: dict[int, tuple[int, str]],
    warnings: WarningLog,
) -> dict[int, str | None]:
    """Each outcome's title as most often printed; a heading printed otherwise is warned about."""
    printed: dict[int, list[str]] = {}
    for c in classes:
        if c.kind is LineKind.OUTCOME and c.number is not None and c.value:
            printed.setdefault(c.number, []).append(fold_spaces(c.value))
    for number, title in unnumbered.values():
        printed.setdefault(number, []).append(title)
    titles = {n: majority(v) for n, v in printed.items()}
    for i, c in enumerate(classes):
        if (
            c.kind is LineKind.OUTCOME
            and c.number is not None
            and c.value
            and fold_spaces(c.value) != titles[c.number]
        ):
            warnings.add(
                lines[i],
                f"outcome {c.number} printed as {quote(c.value)}; "
                f"taken as {quote(titles[c.number] or '')} as elsewhere",
            )
    return titles


def _council_and_title(lines: list[Line], furniture: set[int]) -> tuple[str | None, str | None]:
    """The council and the plan's title, from the branding lines.

    Branding repeated on every page names the council and the plan; a copy whose running
    lines were already dropped (as the PDF reader does) prints them once at the top."""
    opening = [i for i, ln in enumerate(lines[:40]) if ln.text.strip()][:6]
    candidates = [*sorted(furniture), *opening]
    council = next(
        (m["name"] for i in candidates if (m := _COUNCIL_LINE.match(lines[i].text))), None
    )
    title = next(
        (
            fold_spaces(lines[i].text)
            for i in candidates
            if regex.search(r"\b(?:Delivery|Council)\s+Plan\b", lines[i].text)
            and _TITLE_LIKE.match(lines[i].text)
        ),
        None,
    )
    return council, title


# ------------------------------------------------------------------ cells to items


def _warn_row(
    row: PlanRow, cells: RowCells, first_of_ref: PlanRow | None, warnings: WarningLog
) -> None:
    """Warnings about one row: a ref printed twice, a cell missing."""
    if first_of_ref is not None:
        warnings.add(
            row.lines[0],
            f"ref {row.ref} printed again (first at line "
            f"{first_of_ref.lines[0].number}); both rows kept",
        )
    if row.kind == "action" and cells.responsible is None:
        warnings.add(row.lines[0], f"no responsible officer found for {row.ref}")
    if row.has_milestone and cells.milestone is None:
        warnings.add(row.lines[0], f"no milestone found for {row.ref}")
    if not cells.text:
        warnings.add(row.lines[0], f"row {row.ref} has no text")


def _item(
    source: SourceText,
    row: PlanRow,
    cells: RowCells,
    ordinal: int,
    outcome: str | None,
    supporting: str | None,
) -> ItemRecord:
    return ItemRecord(
        document_id=source.sha256,
        item_id=stable_id(source.sha256, row.kind, row.ref, ordinal),
        kind=row.kind,
        ref=row.ref,
        outcome_number=row.outcome_number,
        outcome=outcome,
        supporting_outcome=supporting if row.kind == "action" else None,
        section=row.section,
        text=cells.text,
        milestone=cells.milestone,
        milestone_date=milestone_date(cells.milestone),
        rag=None,
        direction=None,
        direction_raw=None,
        responsible=cells.responsible,
        page=row.lines[0].page,
        line_start=row.lines[0].number,
        line_end=cells.line_end,
    )


def build_items(
    source: SourceText,
    cut: RowCut,
    cells_by_row: list[RowCells],
    titles: dict[int, str | None],
    warnings: WarningLog,
) -> list[ItemRecord]:
    """One item per row, with its outcome and supporting outcome; ids count repeated refs."""
    supporting = _assign_supporting(cut.rows, cut.supporting_labels, cut.milestone_tables)
    first: dict[tuple[str, str], PlanRow] = {}
    ordinal: Counter[tuple[str, str]] = Counter()
    items: list[ItemRecord] = []
    for row, cells, sup in zip(cut.rows, cells_by_row, supporting, strict=True):
        key = (row.kind, row.ref)
        _warn_row(row, cells, first.get(key), warnings)
        first.setdefault(key, row)
        outcome = titles.get(row.outcome_number) if row.outcome_number else None
        items.append(_item(source, row, cells, ordinal[key], outcome, sup))
        ordinal[key] += 1
    return items


# ------------------------------------------------------------------ the whole document


def parse_delivery_plan(
    source: SourceText,
    plan_year: str | None = None,
    *,
    today: dt.date | None = None,
    classes: list[Classified] | None = None,
) -> ParsedDocument:
    """Parse a tabular delivery plan into one item per action and measure row.

    ``plan_year`` overrides the year the table headings state; a stated year more than a
    year after ``today`` (the date of ingest) is warned about. ``classes``: the lines already
    classified. Raises :class:`ParseError` when no rows are found (the document is probably
    not a tabular delivery plan). Stages: lines -> rows -> cells -> items -> document fields.
    """
    warnings = WarningLog(source.pages)
    lines = list(source.lines)
    classes = classify_lines(source) if classes is None else classes
    _check_not_progress_report(source, classes)
    furniture = find_branding(lines, classes, _OFFICER_OPEN_END.search)
    unnumbered = find_unnumbered_outcomes(lines, classes, furniture)
    furniture -= set(unnumbered)
    year = _plan_year(source, classes, plan_year, today, warnings)
    titles = _outcome_titles(lines, classes, unnumbered, warnings)
    cut = cut_rows(lines, classes, furniture, unnumbered, warnings)
    cells_by_row = [split_cells(row, warnings) for row in cut.rows]
    items = build_items(source, cut, cells_by_row, titles, warnings)
    if not items:
        raise ParseError(
            "no action or measure rows found: this does not read as a tabular delivery plan "
            "(rows start with a ref such as 1.1 or M1.1)",
            file=source.name,
        )
    unplaced = cut.unplaced + [ln for cells in cells_by_row for ln in cells.leftover]
    _warn_unplaced(unplaced, lines, warnings)
    council, title = _council_and_title(lines, furniture)
    document = document_record(
        source, "delivery_plan", warnings, council=council, title=title, plan_year=year
    )
    return ParsedDocument(document=document, items=tuple(items), commentary=())


def _warn_unplaced(unplaced: list[Line], lines: list[Line], warnings: WarningLog) -> None:
    """One warning per run of lines that belong to no row (outcome introductions, notes)."""
    order = {ln.number: n for n, ln in enumerate(lines)}
    runs: list[list[Line]] = []
    for line in sorted(unplaced, key=lambda ln: ln.number):
        if is_header_fragment(line.text):
            continue
        if runs:
            gap = lines[order[runs[-1][-1].number] + 1 : order[line.number]]
            if all(not ln.text.strip() for ln in gap):
                runs[-1].append(line)
                continue
        runs.append([line])
    for run in runs:
        if len(run) == 1:
            warnings.add(run[0], f"text outside any table ignored: {quote(run[0].text)}")
        else:
            warnings.add(
                run[0],
                f"{len(run)} lines of text outside any table ignored (to line "
                f"{run[-1].number}): {quote(run[0].text)}",
            )


def _assign_supporting(
    rows: list[PlanRow], events: list[tuple[int, str]], resets: list[int]
) -> list[str | None]:
    """The supporting outcome of each action row.

    When the first label comes after rows of its outcome, the document prints labels after
    the table they label: a label then names the unlabelled rows before it (back to the last
    label or the start of a milestone table) and the later-years table after it. Otherwise a
    label names the rows that follow it.
    """
    result: list[str | None] = [None] * len(rows)
    if not events:
        return result
    first_count, _ = events[0]
    labels_after = any(r.kind == "action" for r in rows[:first_count])
    by_count: dict[int, list[str]] = {}
    for count, label in events:
        by_count.setdefault(count, []).append(label)
    reset_set = set(resets)
    current: str | None = None
    pending: list[int] = []
    outcome: int | None = None
    for index in range(len(rows) + 1):
        row = rows[index] if index < len(rows) else None
        if not labels_after and row is not None and row.outcome_number != outcome:
            outcome = row.outcome_number
            current = None
        for label in by_count.get(index, []):
            if labels_after:
                for p in pending:
                    if rows[p].outcome_number == outcome:
                        result[p] = label
                pending = []
            current = label
        if row is None:
            break
        if labels_after and row.outcome_number != outcome:
            outcome = row.outcome_number
            current = None
            pending = []
        if labels_after and index in reset_set:
            current = None
            pending = []
        if row.kind != "action":
            continue
        if current is not None:
            result[index] = current
        elif labels_after:
            pending.append(index)
    return result
