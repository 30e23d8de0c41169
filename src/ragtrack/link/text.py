"""Text as the linker compares it: words with numbers, dates and boilerplate masked out,
and the figures a text states. Pure functions, one canonical form each."""

from __future__ import annotations

import functools
import re

import regex

from ragtrack.normalise.text import clean_text

_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|qtr|quarter|q[1-4]"
)
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s*[/-]\s*(?:19|20)?\d\d\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"[£$]?\d[\d,]*(?:\.\d+)?\s*(?:%|m\b|k\b|million\b)?")
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"[^\d.]")
_MONTH = re.compile(rf"\b(?:{_MONTHS})\b")
_NON_WORD = regex.compile(r"[^\p{L}\p{N}]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "we",
        "will",
        "with",
        "within",
        "which",
        "who",
        "that",
        "those",
        "these",
        "all",
        "any",
        "has",
        "have",
        "been",
        "being",
        "via",
        "per",
        "council",
        "councils",
        "county",
        "deliver",
        "delivered",
        "delivering",
        "delivery",
        "develop",
        "developed",
        "developing",
        "development",
        "implement",
        "implemented",
        "implementation",
        "continue",
        "continued",
        "ensure",
        "ensuring",
        "support",
        "supporting",
        "work",
        "working",
        "new",
        "plan",
        "plans",
        "including",
        "year",
        "years",
        "further",
        "through",
        "across",
        "take",
        "place",
        "put",
        "identified",
        "carried",
        "out",
        "produced",
        "agreed",
        "progress",
        "progressing",
        "undertake",
        "undertaken",
        # the wording of any target: "the number of ... to be less than ...", "an increase
        # in the percentage of ...", "maintain ... at least ..."
        "number",
        "numbers",
        "proportion",
        "percentage",
        "rate",
        "rates",
        "increase",
        "increased",
        "increasing",
        "reduce",
        "reduced",
        "reduction",
        "less",
        "than",
        "greater",
        "more",
        "least",
        "maintain",
        "maintained",
        "improve",
        "improved",
        "improvement",
        "target",
        "targets",
        "line",
        "level",
        "levels",
        "so",
        "up",
        "above",
        "below",
        "over",
        "under",
    ]
)
"""Function words, the verbs and nouns every plan row uses ("deliver", "develop",
"council", "plan") and the wording of any target ("the number of ... to be less than"): they
say nothing about which row continues which. Without the target words two measures sharing
only a reused ref and that template (road traffic collisions / fire protection audits) scored
as a continuation."""


@functools.lru_cache(maxsize=8192)
def masked_text(text: str | None) -> str:
    """Lower-cased words with numbers, dates and years masked and stopwords dropped.

    Masking keeps "to 30%" and "to 45%" from counting as different wording: numbers are a
    separate feature (:func:`numbers_in`). Remembered: a relink masks every text of the
    dataset again, and outcome titles repeat on every item under them.
    """
    if not text:
        return ""
    text = clean_text(text).lower()
    text = _YEAR_RANGE.sub(" ", text)
    text = _YEAR.sub(" ", text)
    text = _MONTH.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    words = [w for w in _NON_WORD.sub(" ", text).split() if w not in _STOPWORDS]
    return " ".join(words)


def numbers_in(text: str | None) -> frozenset[str]:
    """The figures a text states with their units (years excluded): ``'to 91.1%'`` ->
    ``{'91.1%'}``, ``'£2.5m'`` -> ``{'£2.5m'}``. A count and a share that print the same
    digits are different figures: "traineeships increased by 25" and "25% of the levy"
    share no figure."""
    if not text or not _DIGIT.search(text):
        return frozenset()
    text = _YEAR_RANGE.sub(" ", clean_text(text))
    text = _YEAR.sub(" ", text)
    found = set()
    for match in _NUMBER.finditer(text):
        figure = match.group(0)
        digits = _NOT_DIGIT.sub("", figure).strip(".")
        if digits:
            found.add(_unit(figure).format(digits))
    return frozenset(found)


def _unit(figure: str) -> str:
    """The figure's unit as a prefix or suffix of its digits: ``£`` (money), ``%`` (a
    share), ``m``/``k`` (a magnitude); a count has none."""
    tail = figure.rstrip().lower()
    suffix = next((u for u in ("%", "million", "m", "k") if tail.endswith(u)), "")
    return ("£" if figure[0] in "£$" else "") + "{}" + suffix.replace("million", "m")


def plan_year_start(plan_year: str) -> int:
    """``'2019/20'`` -> 2019: the order of plan years."""
    return int(str(plan_year)[:4])
