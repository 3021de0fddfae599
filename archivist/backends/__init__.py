"""LLM and embedder backends behind two small protocols (base.py) with optional capabilities declared
on each class (batch, stateful, token limit), built by name from the one list in registry.py, each
taking its own settings section (settings.py)."""
