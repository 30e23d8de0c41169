"""The assignment solver the linker uses is SciPy's, loaded without ``scipy.optimize``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linear_sum_assignment as scipy_solver

from ragtrack.link.assignment import linear_sum_assignment

matrices = st.tuples(st.integers(1, 9), st.integers(1, 9)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(0, 1, allow_subnormal=False))
)


@given(matrices, st.booleans())
def test_the_same_assignment_as_scipy(cost: np.ndarray, maximize: bool) -> None:
    ours = linear_sum_assignment(cost, maximize=maximize)
    theirs = scipy_solver(cost, maximize=maximize)
    assert [a.tolist() for a in ours] == [a.tolist() for a in theirs]


def test_linking_two_plan_years_does_not_import_scipy_optimize() -> None:
    """The solver came with 0.3 s of imports: every ingest into a dataset of two plan
    years paid them. And a notebook that uses scipy.optimize afterwards still can."""
    code = (
        "import sys, numpy as np\n"
        "from ragtrack.link.matching import linear_sum_assignment as solve\n"
        "rows, cols = solve(np.array([[0.1, 0.9], [0.8, 0.2]]), maximize=True)\n"
        "print(rows.tolist(), cols.tolist(), 'scipy.optimize' in sys.modules)\n"
        "from scipy.optimize import linear_sum_assignment\n"
        "print(linear_sum_assignment(np.array([[0.1, 0.9], [0.8, 0.2]]))[1].tolist())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[0, 1] [1, 0] False", "[0, 1]"]


def test_another_scipy_layout_falls_back_to_the_public_name(monkeypatch) -> None:
    from ragtrack.link import assignment

    def moved() -> None:
        raise ImportError("no compiled _lsap module")

    monkeypatch.setattr(assignment, "_load_compiled", moved)
    monkeypatch.delitem(sys.modules, "scipy.optimize._lsap", raising=False)
    assignment._solver.cache_clear()
    try:
        _rows, cols = linear_sum_assignment(np.array([[0.1, 0.9], [0.8, 0.2]]), maximize=True)
        assert assignment._solver() is scipy_solver
    finally:
        assignment._solver.cache_clear()
    assert cols.tolist() == [1, 0]


def test_another_major_scipy_uses_the_public_name(monkeypatch) -> None:
    import scipy

    from ragtrack.link import assignment

    monkeypatch.setattr(scipy, "__version__", "2.0.0")
    monkeypatch.delitem(sys.modules, "scipy.optimize._lsap", raising=False)
    assignment._solver.cache_clear()
    try:
        assert assignment._solver() is scipy_solver
    finally:
        assignment._solver.cache_clear()
