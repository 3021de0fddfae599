"""`python -m archivist` runs the CLI."""
from archivist.cli.entry import main

main()
