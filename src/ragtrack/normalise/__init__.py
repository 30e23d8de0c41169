"""Canonical forms of values (refs, RAG, arrows, dates, text) and cross-year lineage."""
