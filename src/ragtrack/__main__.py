"""The ``ragtrack`` command (also ``python -m ragtrack``).

``ragtrack --version`` is answered here, before the command line is built: a scheduled job
or a health check that asks for the version pays for Python's start-up and nothing else.
Everything else goes to :mod:`ragtrack.cli`."""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from ragtrack.version import version_line

        print(version_line())
        return
    from ragtrack.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
