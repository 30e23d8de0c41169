"""Linking across years: a pipeline stage of its own, pure (no I/O).

Takes the items (and outcomes) of every report in the dataset and returns links: which
appearances are the same action, measure or outcome theme across plan years. The store
reads and writes what this stage computes; the library API (:mod:`ragtrack.api`) runs it.
"""
