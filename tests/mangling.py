"""Mangled copies of report text, for fuzzing the parsers (tests and bench/fuzz_parsers.py).

Each mangling is what damaged extractions really do: lines dropped, duplicated, swapped or
cut short, and characters replaced. A seed makes every mangled copy reproducible.
"""

from __future__ import annotations

import random

from ragtrack.normalise.refs import canonical_ref
from ragtrack.records import ParsedDocument

_NOISE = "ARG↑→↓-\t  .:0123456789Mx\f<>/&é£"


def mangle(text: str, seed: int) -> str:
    """A reproducibly damaged copy of ``text``."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(rng.randint(1, 12)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        action = rng.randrange(5)
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            chars = list(lines[i])
            for _ in range(rng.randint(1, 5)):
                if chars:
                    chars[rng.randrange(len(chars))] = rng.choice(_NOISE)
            lines[i] = "".join(chars)
    if rng.random() < 0.1:
        lines = lines[: rng.randrange(len(lines) + 1)]  # a truncated file
    return "\n".join(lines)


def impossible_values(parsed: ParsedDocument, text: str) -> list[str]:
    """Values no parse may produce: a RAG or direction outside the canonical sets, a ref that
    is not in the text, a line range outside the file."""
    problems: list[str] = []
    squashed = canonical_ref(text)
    last_line = text.count("\n") + text.count("\r") + 1
    for item in parsed.items:
        if item.rag not in (None, "red", "amber", "green"):
            problems.append(f"item {item.ref}: rag {item.rag!r}")
        if item.direction not in (None, "improving", "sustained", "declining"):
            problems.append(f"item {item.ref}: direction {item.direction!r}")
        if item.ref is not None and canonical_ref(item.ref) not in squashed:
            problems.append(f"item ref {item.ref!r} is not in the text")
        if not 1 <= item.line_start <= item.line_end <= last_line:
            problems.append(f"item {item.ref}: lines {item.line_start}-{item.line_end}")
    for paragraph in parsed.commentary:
        if paragraph.category not in ("progress", "improvement", "risk", "finance"):
            problems.append(f"commentary category {paragraph.category!r}")
        for ref in paragraph.refs:
            # a ref in the document's style may carry a prefix the prose left out
            if canonical_ref(ref).lstrip("AM") not in squashed:
                problems.append(f"commentary ref {ref!r} is not in the text")
    return problems
