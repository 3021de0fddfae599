"""Rolling compressive memory over documents read in order."""
