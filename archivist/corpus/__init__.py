"""Corpus readers and ingest: raw files (mbox, maildir, eml, csv, jsonl, txt/md, pdf) -> Documents."""
