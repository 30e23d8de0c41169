"""Default limits of an ingest: sizes of input files (``IngestOptions.max_bytes`` overrides
them per run) and how often a long run commits.

A module of its own so the command line can show them without importing the readers."""

#: Default upper bound on a text source, in bytes.
TEXT_MAX_BYTES = 64 * 1024 * 1024
#: Default upper bound on a PDF, in bytes.
PDF_MAX_BYTES = 256 * 1024 * 1024
#: Default longest time a long ingest runs between commits, in seconds.
CHECKPOINT_SECONDS = 300.0
