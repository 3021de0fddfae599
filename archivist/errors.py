"""One small error hierarchy; cli/root.py maps these to exit codes (1 runtime, 2 usage/input)."""


class ArchivistError(Exception):
    """Base class for every error archivist raises on purpose."""

    exit_code = 1


class InputError(ArchivistError):
    """Bad user input: a missing file, an unreadable source, a bad option value."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, position: str | None = None):
        self.path, self.position = path, position
        where = f"{path}" + (f" @ {position}" if position else "") if path else ""
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(ArchivistError):
    """A setting is invalid or a needed model/file is missing."""

    exit_code = 2


class BackendError(ArchivistError):
    """An LLM or embedding backend failed (load, generate, HTTP)."""


class StoreError(ArchivistError):
    """The SQLite store is missing, locked or from an incompatible version."""


class QueryError(ArchivistError):
    """A structured metadata query is invalid or was refused by the authorizer."""

    exit_code = 2
