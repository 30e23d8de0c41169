"""Optimal one-to-one assignment: SciPy's solver, loaded without ``scipy.optimize``.

``scipy.optimize.linear_sum_assignment`` is a thin name for a compiled function in
``scipy/optimize/_lsap``; importing it through the package first imports all of
``scipy.optimize`` (minimisers, root finders, linear algebra), about 0.3 s on this project's
machine, which every process that links two plan years paid: each scheduled ingest, each
``ragtrack lineage`` command. :func:`linear_sum_assignment` loads that compiled module from
SciPy's own files instead, and falls back to the public import wherever the file is not
where SciPy 1.x keeps it, or on another major version of SciPy (which might wrap the
compiled function in Python), so the result is SciPy's either way.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_Solver = Callable[..., tuple[np.ndarray, np.ndarray]]


def linear_sum_assignment(cost: np.ndarray, maximize: bool = False) -> tuple[np.ndarray, Any]:
    """Rows and columns of the optimal assignment of ``cost`` (as SciPy's function)."""
    return _solver()(cost, maximize=maximize)


@functools.cache
def _solver() -> _Solver:
    loaded = sys.modules.get("scipy.optimize._lsap")
    if loaded is not None:
        return loaded.linear_sum_assignment
    try:
        return _load_compiled()
    except Exception as error:  # any other layout: the public name, at its import cost
        log.debug("scipy's assignment solver loaded through scipy.optimize (%s)", error)
        from scipy.optimize import linear_sum_assignment as solver

        return solver


def _load_compiled() -> _Solver:
    """``linear_sum_assignment`` from SciPy's compiled ``optimize/_lsap`` module file."""
    import scipy

    if not scipy.__version__.startswith("1."):  # the layout checked; another may wrap it
        raise ImportError(f"scipy {scipy.__version__}: not the layout this loader knows")
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("scipy is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "optimize"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"_lsap{suffix}"
        if path.is_file():
            loader = importlib.machinery.ExtensionFileLoader("scipy.optimize._lsap", str(path))
            module_spec = importlib.util.spec_from_file_location(
                "scipy.optimize._lsap", path, loader=loader
            )
            assert module_spec is not None
            module = importlib.util.module_from_spec(module_spec)
            loader.exec_module(module)
            return module.linear_sum_assignment
    raise ImportError(f"no compiled _lsap module in {folder}")
