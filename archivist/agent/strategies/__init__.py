"""Answer strategies: rag, stuff, memory and query; each returns an Attempt."""
