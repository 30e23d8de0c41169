"""Package and parser versions. The parser version goes into every document row, so a
re-parse can be asked for when it changes."""

__version__ = "0.1.0"
PARSER_VERSION = "1.2"


def version_line() -> str:
    """What ``ragtrack --version`` prints."""
    return f"ragtrack {__version__} (parser {PARSER_VERSION})"
