"""archivist: answer questions over corpora larger than any context window."""

__version__ = "0.1.0"
