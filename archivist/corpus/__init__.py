"""Corpus readers and ingest: raw files (mbox, maildir, eml, pst/ost, msg, csv/tsv/jsonl, txt/md, pdf)
and their attachments -> Documents."""
