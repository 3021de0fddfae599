"""Retrieval: chunking, indexing (embeddings, FTS5, FAISS cache), BM25/dense/hybrid search with
the store's filters applied inside both, and order-preserving packing with citations."""
