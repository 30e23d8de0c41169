"""The canonical kinds of value as their own types, for the records and signatures that carry
them: a ``Ref`` or ``PlanYear`` is a string that has been through its canonicaliser
(:func:`~ragtrack.normalise.refs.canonical_ref`,
:func:`~ragtrack.normalise.values.canonical_plan_year`), so the type checker tells a raw
string from a canonical one. At run time they are plain strings: the stored data is the same.
"""

from __future__ import annotations

from typing import Literal, NewType

#: A ref in canonical form (``A1.1``), made by ``canonical_ref``.
Ref = NewType("Ref", str)
#: A plan year in canonical form (``2019/20``), made by ``canonical_plan_year``.
PlanYear = NewType("PlanYear", str)
#: A RAG status, made by ``canonical_rag`` (letters) or ``read_status`` (printed words):
#: red, amber, green; ``blue`` (complete, or "acceptable"); ``not_rated`` (printed as not
#: rated: Ungraded, N/A). Ordered and compared in ``ragtrack.normalise.status``.
Rag = Literal["red", "amber", "green", "blue", "not_rated"]
#: A direction of travel, made by ``canonical_direction``.
Direction = Literal["improving", "sustained", "declining"]
