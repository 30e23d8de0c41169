"""The HTML report: what it shows (:mod:`~ragtrack.htmlreport.frames`, pure pandas) and the page
(:mod:`~ragtrack.htmlreport.page`), drawn with :mod:`ragtrack.plot`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def render_report(
    tables: dict[str, pd.DataFrame],
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> str:
    """The report's HTML for ``load()``'s tables: the council's reports ``start`` to ``end``."""
    import pandas as pd

    from ragtrack.htmlreport.frames import select_series
    from ragtrack.htmlreport.page import render

    series = select_series(tables["timeline"], council, start, end)
    commentary = tables.get("commentary")
    return render(series, commentary if commentary is not None else pd.DataFrame())
