"""The store follows its sources: a source read again (changed since its last ingest, or resumed)
ends up holding exactly what it holds now.

While such a source is read, each place (source, position) it yields points at the document
there now: an edited message's place moves to its new version. Places it no longer yields (a
deleted message, a removed file of a maildir) are dropped when it closes, and a source file gone
from a directory ingested again loses all its places. A document no place holds any more then
leaves the store (store/history.py), its last version kept in history unless
`ingest.keep_history` is off.

A first read of a source does none of this (nothing to compare), so a first ingest costs the same.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from archivist.store import history


@dataclass
class Departures:
    """Places that stopped holding a document during this ingest: doc id -> 'source#position'."""
    places: dict[int, list[str]] = field(default_factory=dict)
    sources_gone: int = 0
    revised: int = 0  # sources read again over places of an earlier read

    def add(self, doc_id: int, place: str) -> None:
        self.places.setdefault(doc_id, []).append(place)


class Revision:
    """The places of one source read before, ticked off as this read yields them again."""

    def __init__(self, conn, source_id: int, source_path: str, departures: Departures):
        self.conn, self.source_id, self.path = conn, source_id, source_path
        self.departures = departures
        departures.revised += 1
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS unseen (position TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM unseen")
        conn.execute("INSERT INTO unseen SELECT position FROM locations WHERE source_id = ?",
                     (source_id,))
        # its rejects are found again by this read (or not, if the cause went away)
        conn.execute("DELETE FROM rejects WHERE source_id = ?", (source_id,))

    @classmethod
    def open(cls, conn, source_id: int, source_path: str, departures: Departures
             ) -> "Revision | None":
        """A Revision when the source holds places from an earlier read, else None."""
        held = conn.execute("SELECT 1 FROM locations WHERE source_id = ? LIMIT 1", (source_id,))
        return cls(conn, source_id, source_path, departures) if held.fetchone() else None

    def place(self, doc_id: int, position: str, mailbox: str | None, folder: str | None) -> int:
        """Point the place at doc_id; 1 when the place is new to the source."""
        self.conn.execute("DELETE FROM unseen WHERE position = ?", (position,))
        row = self.conn.execute("SELECT id, doc_id FROM locations WHERE source_id = ? AND position = ?",
                                (self.source_id, position)).fetchone()
        if row is None:
            self.conn.execute("INSERT INTO locations (doc_id, source_id, position, mailbox, folder) "
                              "VALUES (?, ?, ?, ?, ?)", (doc_id, self.source_id, position, mailbox, folder))
            return 1
        if row[1] != doc_id:
            self.departures.add(row[1], f"{self.path}#{position}")
            self.conn.execute("UPDATE locations SET doc_id = ?, mailbox = ?, folder = ? WHERE id = ?",
                              (doc_id, mailbox, folder, row[0]))
        return 0

    def close(self) -> int:
        """Drop the places this read did not yield; returns how many."""
        gone = self.conn.execute(
            "SELECT id, doc_id, position FROM locations WHERE source_id = ? AND position IN "
            "(SELECT position FROM unseen)", (self.source_id,)).fetchall()
        for _, doc_id, position in gone:
            self.departures.add(doc_id, f"{self.path}#{position}")
        self.conn.executemany("DELETE FROM locations WHERE id = ?", [(r[0],) for r in gone])
        self.conn.execute("DELETE FROM unseen")
        return len(gone)


def forget_gone_sources(conn, roots: list[Path], units: list[Path], departures: Departures) -> int:
    """Sources stored under the directories `roots` that no longer exist on disk (and were not
    found by this walk): their places and rejects are dropped and the source forgotten."""
    found = {str(u) for u in units}
    n = 0
    for root in roots:
        if not root.is_dir():
            continue
        prefix = str(root).rstrip(os.sep) + os.sep
        rows = conn.execute("SELECT id, path FROM sources WHERE substr(path, 1, ?) = ?",
                            (len(prefix), prefix)).fetchall()
        for source_id, path in rows:
            if path in found or os.path.lexists(path):
                continue
            for doc_id, position in conn.execute(
                    "SELECT doc_id, position FROM locations WHERE source_id = ?", (source_id,)):
                departures.add(doc_id, f"{path}#{position}" if position else path)
            for table in ("locations", "rejects"):
                conn.execute(f"DELETE FROM {table} WHERE source_id = ?", (source_id,))
            conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            n += 1
    departures.sources_gone += n
    return n


def settle(store, departures: Departures, keep_history: bool) -> tuple[int, list[int], set[int]]:
    """Retire the documents that lost their last place; (how many, ids of their thread mates,
    their threads).

    Every document with no place goes, not only this run's departures: a run killed after an
    edited message's place moved to its new version left the old one placeless."""
    if not (departures.places or departures.revised or departures.sources_gone):
        return 0, [], set()
    ids = history.orphans(store.conn)
    return (len(ids), *history.retire(store, ids, departures.places, keep_history))
