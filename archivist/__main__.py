"""`python -m archivist` runs the CLI."""
from archivist.entry import main

main()
