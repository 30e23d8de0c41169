"""Option parsers shared by the command-line modules."""

from __future__ import annotations

import typer

from ragtrack.normalise.values import canonical_plan_year


def plan_year_param(value: str | None) -> str | None:
    """``--plan-year`` in canonical form (``2019-2020`` -> ``2019/20``), or a usage error."""
    if value is None:
        return None
    canonical = canonical_plan_year(value)
    if canonical is None:
        raise typer.BadParameter(f"{value!r} is not a plan year like 2019/20")
    return canonical
