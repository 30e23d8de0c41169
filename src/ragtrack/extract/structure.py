"""Recognising the structural lines of council plan documents.

Every parser (progress reports, delivery plans, PDF pages turned into lines) classifies a
line with :func:`classify_line` first, so what counts as an outcome heading, a supporting
outcome, a table header or a commentary heading is decided in this one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import regex

from ragtrack.normalise.kinds import PlanYear, Ref
from ragtrack.normalise.refs import REF_TOKEN, canonical_ref
from ragtrack.normalise.values import canonical_plan_year
from ragtrack.records import Category, SourceText


class LineKind(Enum):
    BLANK = "blank"
    OUTCOME = "outcome"  # "OUTCOME 1: PEOPLE IN ..." or an unnumbered capitalised outcome
    SUPPORTING = "supporting"  # "Supporting outcome: ..."
    MEASURES = "measures"  # "Key Outcome Indicators", "Measures"
    ACTIONS = "actions"  # "Key Action Updates", "Key Action Narratives"
    RUNNING = "running"  # "Delivery of Council Plan Delivery Plan: 2019/20", "Quarter 2 2021/22"
    TABLE_HEADER = "table_header"  # "Ref<TAB>Action for 2018/19<TAB>Milestone ..."
    COMMENTARY = "commentary"  # "Commentary for areas of progress:"
    # Delivery plans: "Year 2 Actions and Milestones (2019/20)", "Actions Planned for Years 3-4"
    PLAN_ACTIONS = "plan_actions"
    # Delivery plans: "How we will measure progress against this outcome in 2019/20"
    PLAN_MEASURES = "plan_measures"
    TEXT = "text"


#: Kinds of line that carry a document's structure (never running page furniture).
STRUCTURAL_KINDS = frozenset(
    {LineKind.SUPPORTING, LineKind.MEASURES, LineKind.TABLE_HEADER, LineKind.COMMENTARY}
)

HEADING_KINDS = frozenset(
    {LineKind.OUTCOME, LineKind.SUPPORTING, LineKind.MEASURES, LineKind.ACTIONS, LineKind.RUNNING}
)


@dataclass(frozen=True, slots=True)
class Classified:
    kind: LineKind
    #: outcome number, when printed
    number: int | None = None
    #: heading title, supporting-outcome text, commentary category or remainder text
    value: str | None = None
    #: for an outcome heading with "Measures" glued on; for a table header, its column set
    measures: bool = False
    has_milestone: bool = False
    has_responsible: bool = False
    plan_year: PlanYear | None = None
    remainder: str | None = None


_OUTCOME = regex.compile(
    r"^\s*OUTCOME\s+(?P<num>\d{1,2})\s*[:.\-–]\s*(?P<title>.+?)\s*$", regex.IGNORECASE
)
#: "Outcome 1   People in cumbria are healthy and safe": number and title with only spaces
#: between, as delivery plans print it. Title-like only (no digits, no closing full stop,
#: a dozen words at most) so a sentence such as "Outcome 3 measures show ..." is not taken.
_OUTCOME_SPACED = regex.compile(
    r"^\s*OUTCOME\s+(?P<num>\d{1,2})\s+(?P<title>\p{L}[^\d.:;!?]*?)\s*$", regex.IGNORECASE
)
_PLAN_ACTIONS = regex.compile(
    r"^\s*(?:Year\s+(?P<year_no>\d)\s+)?(?:Key\s+)?Actions\s+and\s+Milestones\b(?P<rest>.*)$"
    r"|^\s*Actions\s+Planned\s+for\s+Years?\s+(?P<later>\d(?:\s*[-–]\s*\d)?)\b(?P<lrest>.*)$",
    regex.IGNORECASE,
)
_PLAN_MEASURES = regex.compile(
    r"^\s*How\s+we\s+will\s+measure\s+(?:our\s+)?progress\b(?P<rest>.*)$", regex.IGNORECASE
)
_MEASURES_SUFFIX = regex.compile(
    r"\s+(?:Key\s+Outcome\s+Indicators|Measures)\s*$", regex.IGNORECASE
)
_SUPPORTING = regex.compile(
    r"^\s*Supporting\s+Outcome\s*[:\-–]\s*(?P<text>.*?)\s*$", regex.IGNORECASE
)
_MEASURES = regex.compile(
    r"^\s*(?:Key\s+Outcome\s+Indicators|(?:Key\s+|Performance\s+)?Measures)\s*:?\s*$",
    regex.IGNORECASE,
)
_ACTIONS = regex.compile(r"^\s*Key\s+Action\s+(?:Updates|Narratives)\s*:?\s*$", regex.IGNORECASE)
_YEAR_SPAN = r"(?:19|20)\d{2}\s*/\s*\d{2}"
#: Running headings, alone or glued together on one line as some PDF tools print them:
#: "Delivery of Council Plan Delivery Plan: 2021/22 Quarter 2 2021/22 Key Action Updates".
_RUNNING = regex.compile(
    rf"^\s*(?:Delivery\s+of\s+Council\s+Plan\s+Delivery\s+Plan\s*:?\s*(?P<year>{_YEAR_SPAN})?)?"
    rf"\s*(?:Quarter\s+[1-4]\s+(?P<qyear>{_YEAR_SPAN}))?"
    r"\s*(?P<actions>Key\s+Action\s+(?:Updates|Narratives))?\s*:?\s*$",
    regex.IGNORECASE,
)
_TABLE_HEADER = regex.compile(
    r"^\s*(?:Ref(?:erence)?\.?(?:\s*No\.?)?)(?:\s+|\t)(?P<col>Actions?|Measures?"
    r"|Key\s+(?:Outcome\s+)?(?:Measures?|Indicators?)|(?:Performance\s+)?Indicators?|KPIs?"
    r"|Performance\s+Measures?)\b",
    regex.IGNORECASE,
)
#: "Commentary for areas of progress:", or the same heading without "Commentary for" when it
#: stands alone on a short line ending in a colon ("Risk updates:").
_COMMENTARY = regex.compile(
    r"^\s*Commentary\s+for\s+(?P<what>[^:]*?)\s*(?::\s*(?P<rest>.*?))?\s*$"
    r"|^\s*(?P<bare>Areas?\s+(?:of|for)\s+(?:progress|improvement)[^:]{0,60}"
    r"|(?:Corporate\s+)?Risks?(?:\s+updates?)?|Financ(?:e|ial)(?:\s+updates?)?)\s*:\s*$",
    regex.IGNORECASE,
)
_CAPS_HEADING = regex.compile(r"^\s*(?=(?:.*\p{Lu}){12})[\p{Lu}\d ,&'’\-–:/()]+$")

#: Words that make up table header rows and their wrapped continuation lines.
HEADER_WORDS = frozenset(
    [
        "ref",
        "action",
        "actions",
        "measure",
        "measures",
        "for",
        "milestone",
        "milestones",
        "rag",
        "against",
        "target",
        "direction",
        "of",
        "travel",
        "since",
        "last",
        "report",
        "improving",
        "sustained",
        "declining",
        "responsible",
        "officer",
        "officers",
        "lead",
        "status",
        "the",
        "and",
        # delivery plans: "Assistant Director(s) / Responsible for Delivery", "Target value or date"
        "assistant",
        "director",
        "directors",
        "delivery",
        "value",
        "or",
        "date",
    ]
)
_YEAR_TOKEN = regex.compile(r"^(?:19|20)\d{2}(?:/\d{2,4})?$")


#: The classification of an empty line (shared: classifications are immutable).
BLANK = Classified(LineKind.BLANK)
_TEXT = Classified(LineKind.TEXT)


def commentary_category(what: str) -> Category | None:
    """Map the words after "Commentary for" to a category."""
    lowered = what.casefold()
    if "improvement" in lowered:
        return "improvement"
    if "risk" in lowered:
        return "risk"
    if "financ" in lowered:
        return "finance"
    if "progress" in lowered:
        return "progress"
    return None


def is_caps_heading(text: str) -> bool:
    """An unnumbered outcome printed in capitals (three words or more)."""
    stripped = text.strip()
    return bool(_CAPS_HEADING.match(stripped)) and len(stripped.split()) >= 3


def _commentary_line(text: str) -> Classified | None:
    m = _COMMENTARY.match(text)
    # "Commentary for :" has no words to say the category ("what" is empty, "bare" None)
    if m and (category := commentary_category(m["what"] or m["bare"] or "")):
        return Classified(LineKind.COMMENTARY, value=category, remainder=m["rest"] or None)
    return None


def _table_header_line(text: str) -> Classified | None:
    if not (m := _TABLE_HEADER.match(text)):
        return None
    lowered = text.casefold()
    col = m["col"].casefold()
    return Classified(
        LineKind.TABLE_HEADER,
        measures="measure" in col or "indicator" in col,
        has_milestone="milestone" in lowered,
        has_responsible=any(w in lowered for w in ("responsible", "officer", "director")),
        plan_year=canonical_plan_year(text),
    )


def _plan_actions_line(text: str) -> Classified | None:
    if not (m := _PLAN_ACTIONS.match(text)):
        return None
    if m["later"]:
        years = regex.sub(r"\s*[-–]\s*", "_", m["later"])
        return Classified(
            LineKind.PLAN_ACTIONS,
            value=f"planned_actions_years_{years}",
            plan_year=canonical_plan_year(m["lrest"]),
        )
    return Classified(
        LineKind.PLAN_ACTIONS, value="year_actions", plan_year=canonical_plan_year(m["rest"])
    )


def _plan_measures_line(text: str) -> Classified | None:
    if m := _PLAN_MEASURES.match(text):
        return Classified(LineKind.PLAN_MEASURES, plan_year=canonical_plan_year(m["rest"]))
    return None


def _outcome_line(text: str) -> Classified | None:
    if m := _OUTCOME.match(text):
        title = m["title"]
        measures = bool(_MEASURES_SUFFIX.search(title))
        if measures:
            title = _MEASURES_SUFFIX.sub("", title)
        return Classified(LineKind.OUTCOME, number=int(m["num"]), value=title, measures=measures)
    if (m := _OUTCOME_SPACED.match(text)) and len(m["title"].split()) <= 12:
        title = " ".join(m["title"].split())
        return Classified(LineKind.OUTCOME, number=int(m["num"]), value=title)
    return None


def _supporting_line(text: str) -> Classified | None:
    if m := _SUPPORTING.match(text):
        return Classified(LineKind.SUPPORTING, value=m["text"])
    return None


def _measures_line(text: str) -> Classified | None:
    return Classified(LineKind.MEASURES) if _MEASURES.match(text) else None


def _actions_line(text: str) -> Classified | None:
    return Classified(LineKind.ACTIONS) if _ACTIONS.match(text) else None


def _running_line(text: str) -> Classified | None:
    m = _RUNNING.match(text)
    if m and (m["year"] or m["qyear"] or m["actions"] or "delivery" in text.casefold()):
        year = canonical_plan_year(m["year"] or m["qyear"] or "")
        kind = LineKind.ACTIONS if m["actions"] else LineKind.RUNNING
        return Classified(kind, plan_year=year)
    return None


def _caps_outcome_line(text: str) -> Classified | None:
    if is_caps_heading(text) and not regex.search(REF_TOKEN, text):
        title = text.strip()
        measures = bool(_MEASURES_SUFFIX.search(title))
        if measures:
            title = _MEASURES_SUFFIX.sub("", title)
        return Classified(LineKind.OUTCOME, number=None, value=title, measures=measures)
    return None


_Recogniser = Callable[[str], "Classified | None"]
_COMMENTARY_WORDS = (
    "commentary",
    "areas",
    "area",
    "risk",
    "risks",
    "corporate",
    "finance",
    "financial",
)
#: Which recognisers a line's first word calls for, in the order they are tried.
_RECOGNISERS: dict[str, tuple[_Recogniser, ...]] = {
    **dict.fromkeys(_COMMENTARY_WORDS, (_commentary_line,)),
    "ref": (_table_header_line,),
    "reference": (_table_header_line,),
    "year": (_plan_actions_line,),
    "actions": (_plan_actions_line,),
    "key": (_plan_actions_line, _measures_line, _actions_line, _running_line),
    "how": (_plan_measures_line,),
    "outcome": (_outcome_line,),
    "supporting": (_supporting_line,),
    "measures": (_measures_line,),
    "performance": (_measures_line,),
    "delivery": (_running_line,),
    "quarter": (_running_line,),
}


def classify_line(text: str) -> Classified:
    """Say what kind of structural line ``text`` is (``TEXT`` when it is none).

    Most lines are prose: only a line opening with a structural word, or printed in
    capitals, can be structure, and only the recognisers its first word calls for run.
    """
    stripped = text.strip()
    if not stripped:
        return BLANK
    first = stripped[:16].split(None, 1)[0].casefold().rstrip(":.")
    for recognise in _RECOGNISERS.get(first, ()):
        if found := recognise(text):
            return found
    if stripped.isupper() and (found := _caps_outcome_line(text)):
        return found
    return _TEXT


def is_header_fragment(text: str) -> bool:
    """A wrapped piece of a table header ("Direction of travel", "(improving/ sustained/")."""
    tokens = [t.strip("()/:,.-").casefold().replace("(s", "s") for t in text.split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        return False
    return all(t in HEADER_WORDS or _YEAR_TOKEN.match(t) for t in tokens)


_ROW_REF = re.compile(rf"^\s*(?P<ref>{REF_TOKEN})(?=\s|$)")


def row_ref(text: str) -> Ref | None:
    """The ref that opens a table row (``1.17``, ``A2.14``, ``M1.11``), if any."""
    head = text.lstrip()[:3]
    if not (head[:1].isdigit() or head[1:2].isdigit() or head[2:3].isdigit()):
        return None
    m = _ROW_REF.match(text)
    if not m:
        return None
    after = text[m.end() :].lstrip(" ")
    if after.startswith(("/", ",", "&")):
        return None
    return canonical_ref(m["ref"])  # the token is canonical already: this only types it


def classify_lines(source: SourceText) -> list[Classified]:
    """Every line of ``source`` classified, once per document: the parsers take this list."""
    return [classify_line(line.text) if line.text else BLANK for line in source.lines]
