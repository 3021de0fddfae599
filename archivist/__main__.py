"""`python -m archivist` runs the CLI."""
from archivist.cli import app

app()
