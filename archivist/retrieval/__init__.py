"""Retrieval: chunking, embeddings, FAISS cache, FTS5 BM25, hybrid fusion, filters, packing."""
