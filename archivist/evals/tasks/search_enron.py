"""Search finds what people type (no model), over an archivist database of e-mails (`--data`,
e.g. whole Enron indexed with embeddings): random subjects typed verbatim (rank 1 must be the
e-mail, a copy of it or its thread's message with that subject) and lookup questions generated
from random e-mails (sender name or address, recipient, date in four forms, subject, content
words; hit@5 of the e-mail or one with the same sender, day and subject)."""
from __future__ import annotations

import random
import re

from archivist.errors import InputError
from archivist.evals.tasks.base import Example
from archivist.evals.tasks.search_quality import SearchTask, halves
from archivist.evals.vocab import TaskName
from archivist.retrieval.fts import STOP
from archivist.store import Store

SUBJECTS, LOOKUPS = 200, 100  # per run, unless --limit (two thirds subjects, one third lookups)
MONTHS = ("January February March April May June July August September October November "
          "December").split()
CONTENT = re.compile(r"[A-Za-z][a-z]{5,}")


def sample_docs(store, n: int, seed: int, extra: str = "") -> list[dict]:
    rows = store.query("SELECT id, title, norm_subject, thread_id, sender, sender_name, date, body "
                       "FROM documents WHERE kind = 'email' AND norm_subject != '' AND date != '' "
                       f"{extra} ORDER BY id")
    return random.Random(seed).sample(rows, min(n, len(rows)))


def equivalent(store, doc: dict) -> list[int]:
    """The doc, its copies (same subject and body) and its thread's messages with its subject."""
    return sorted(r[0] for r in store.conn.execute(
        "SELECT id FROM documents WHERE id = ? OR (norm_subject = ? AND (thread_id = ? OR body = ?))",
        (doc["id"], doc["norm_subject"], doc["thread_id"], doc["body"])))


def date_form(iso: str, i: int) -> str:
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return [f"{MONTHS[m - 1]} {d}, {y}", iso[:10], f"{d} {MONTHS[m - 1]} {y}", f"{m}/{d}/{y}"][i % 4]


def content_words(body: str, rng: random.Random, k: int = 3) -> str:
    words = [w for w in dict.fromkeys(CONTENT.findall(body)) if w.lower() not in STOP]
    return " ".join(rng.sample(words, min(k, len(words))))


def recipient(store, doc_id: int) -> str:
    row = store.conn.execute("SELECT name, address FROM participants WHERE doc_id = ? AND role = 'to' "
                             "LIMIT 1", (doc_id,)).fetchone()
    return (row[0] or row[1]) if row else ""


def lookup_forms(store, d: dict, i: int, rng: random.Random) -> list[str]:
    """The eight ways a lookup of e-mail d is typed; question i takes form i % 8."""
    name, addr, subj = d["sender_name"], d["sender"], d["title"]
    when, words, to = date_form(d["date"], i), content_words(d["body"], rng), recipient(store, d["id"])
    return [f"email from {name} on {when}", f"{addr} {subj}", f"message to {to or name} about {subj}",
            f"what did {name} write about {words}", f"{subj} {when}", f"{name.split()[0]} {words} {when}",
            f"the email {name} sent to {to or 'the team'} on {when}", f"{words} {addr}"]


def lookup_questions(store, n: int, seed: int) -> list[dict]:
    """n questions, each about one random e-mail; gold: that e-mail or one with the same sender,
    day and subject (the question cannot tell them apart)."""
    rng = random.Random(seed)
    out = []
    for i, d in enumerate(sample_docs(store, n, seed, "AND sender_name != '' AND length(body) > 200")):
        forms = lookup_forms(store, d, i, rng)
        gold = sorted(r[0] for r in store.conn.execute(
            "SELECT id FROM documents WHERE id = ? OR (sender = ? AND substr(date, 1, 10) = ? AND "
            "norm_subject = ?)", (d["id"], d["sender"], d["date"][:10], d["norm_subject"])))
        out.append({"q": forms[i % len(forms)], "form": i % len(forms), "gold": gold})
    return out


class SearchEnronTask(SearchTask):
    name = TaskName.SEARCH_ENRON
    headline = ("subjects: 1 when rank 1 is the e-mail, a copy or its thread's message with that subject; "
                "lookups: 1 when the e-mail (or one with its sender, day and subject) is in the top 5")
    default_data = ""

    def __init__(self, options):
        if options.data is None:
            raise InputError("search-enron: pass --data PATH of an archivist database of e-mails, indexed "
                             "with embeddings for the dense and hybrid modes (e.g. whole Enron)")
        super().__init__(options)

    def database(self):
        return self.path

    def gold(self, corpus, example: Example) -> set[int]:
        return set(example.meta["gold_ids"])

    def examples(self) -> list[Example]:
        n = self.options.limit
        n_subjects, n_lookups = (n - n // 3, n // 3) if n else (SUBJECTS, LOOKUPS)
        seed = self.options.seed  # subjects; lookups seed + 1 (bench/search_enron.py: 0 and 1)
        with Store(self.path, readonly=True) as store:
            subjects = [self._example(f"subject-{i:03d}", d["title"], equivalent(store, d), 1, "subjects", i)
                        for i, d in enumerate(sample_docs(store, n_subjects, seed))]
            lookups = [self._example(f"lookup-{i:03d}", q["q"], q["gold"], 5, "lookups", i, form=q["form"])
                       for i, q in enumerate(lookup_questions(store, n_lookups, seed + 1))]
        return subjects + lookups

    @staticmethod
    def _example(eid: str, question: str, gold: list[int], k: int, kind: str, i: int, **meta) -> Example:
        label = "subjects typed verbatim: rank 1" if k == 1 else f"generated lookups: hit@{k}"
        return Example(eid, question, [str(g) for g in gold], corpus="db",
                       meta={"k": k, "need": "any", "gold_ids": gold, "kind": kind, "group": label,
                             "half": halves(i), **meta})
