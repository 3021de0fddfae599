"""Evaluations: today the public datasets turned into corpora (datasets.py), used by bench/ and
the retrieval-quality test; the tasks, runner, metrics and reports of `archivist eval` come next."""
