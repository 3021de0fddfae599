"""Small synthetic corpora for the retrieval tests, stored through the real ingest code."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from archivist.corpus.parsed import Address, Document, Location

BASE = datetime(2001, 3, 1, 9, 0, tzinfo=timezone.utc)
TOPICS = ["gas pipeline capacity", "power trading desk", "California electricity prices",
          "quarterly budget report", "office move logistics", "risk management policy"]


def person(name: str) -> Address:
    return Address(name.title(), f"{name}@enron.com")


def email(i: int, subject: str, body: str, sender: str = "alice", to: str = "carol",
          date: datetime | None = None, mailbox: str = "beck-s", quoted: str = "",
          in_reply_to: str = "") -> Document:
    return Document(kind="email", body=body, quoted=quoted, title=subject, norm_subject=re.sub(r"^(re|fw|fwd):\s*", "", subject.lower()),
                    message_id=f"<{i}.test@enron.com>", sender=person(sender), to=[person(to)],
                    in_reply_to=in_reply_to,
                    date=date or BASE + timedelta(days=i), location=Location(
                        path="/test/mbox", position=str(i), mailbox=mailbox, folder="inbox"))


def corpus() -> list[Document]:
    """36 emails on six topics from alice in 2001, plus one weaker budget match from bob in 1999."""
    docs = []
    for i in range(36):
        topic = TOPICS[i % len(TOPICS)]
        docs.append(email(i, f"{topic.capitalize()} update {i}",
                          f"Team, here is the latest on the {topic}. The {topic} numbers for week {i} "
                          f"look stable and the {topic} review is on Friday.", sender="alice"))
    docs.append(email(99, "Numbers", "The spreadsheet you asked about is attached; my written report "
                      "on hiring follows later.", sender="bob", to="dave",
                      date=datetime(1999, 6, 1, tzinfo=timezone.utc), mailbox="kean-s"))
    return docs


def build(store, docs: list[Document] | None = None) -> None:
    from archivist.corpus.ingest import ingest_documents
    ingest_documents(store, docs if docs is not None else corpus(), source="/test/mbox")
