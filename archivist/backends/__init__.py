"""LLM and embedder backends behind two small protocols, registered by name."""
