"""archivist: answer questions over corpora larger than any context window."""

__version__ = "0.1.0"

from archivist import timing as _timing  # noqa: E402,F401  (notes when the interpreter was ready)
