"""The one compiler from Filters to SQL, and the reads built on it.

Search (BM25 and dense), the agent's scopes, the metadata queries and their counts all select
documents through `filter_sql`, so `search --mailbox X` and a question scoped to X see exactly the
same documents. Values only ever travel as parameters.
"""
from __future__ import annotations

import json
import re

from archivist.errors import QueryError
from archivist.records import ANY_ATTACHMENT, Filters

FIELD_NAME = re.compile(r"^[A-Za-z0-9_ .-]{1,64}$")
RECIPIENT_ROLES = "('to', 'cc', 'bcc')"
# attachment types by name suffix and by a piece of the content type
ATTACHMENT_TYPES = {"pdf": ((".pdf",), "pdf"), "docx": ((".docx",), "wordprocessingml"),
                    "doc": ((".doc", ".docx"), "word"), "csv": ((".csv", ".tsv"), "csv"),
                    "text": ((".txt", ".md", ".log"), "text/plain"), "html": ((".htm", ".html"), "html"),
                    "email": ((".eml", ".msg"), "message/rfc822"), "xls": ((".xls", ".xlsx"), "excel"),
                    "image": ((".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff"), "image/")}
# reading order: thread by thread, then position in the thread, then date
READING_ORDER = "coalesce(d.thread_id, 1e18), d.thread_pos, d.date, d.id"


def like(value: str) -> str:
    """A LIKE pattern matching value anywhere, its own % and _ taken literally (ESCAPE '\\')."""
    return "%" + value.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def exact_address(address: str) -> str:
    """A person value meaning exactly this address even without '@' ('<enron.com>')."""
    return f"<{address.strip()}>"


def address_of(value: str) -> str | None:
    """The address a person value names exactly ('x@y.z' or '<address>'), else None (a name,
    or '@domain' for a whole domain)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        return value[1:-1].strip().lower()
    return value.lower() if "@" in value and not value.startswith("@") else None


def person_terms(value: str) -> list[str]:
    """What must all match for a person: an address as given, or a name's words in any order,
    so "Vince Kaminski" finds "Kaminski, Vince J" and vince.kaminski@enron.com."""
    words = [w for w in re.findall(r"[\w'-]+", value) if len(w) > 1] if "@" not in value else []
    return words or [value.strip()]


def person_sql(address_col: str, name_col: str, value: str) -> tuple[str, list]:
    """A person by address (exact, any case; "@domain" for a whole domain) or by name words."""
    value = value.strip()
    if value.startswith("@"):
        return f"lower({address_col}) LIKE ? ESCAPE '\\'", [like(value.lower())[:-1]]
    if (address := address_of(value)) is not None:
        return f"lower({address_col}) = ?", [address]
    clause = f"({address_col} LIKE ? ESCAPE '\\' OR {name_col} LIKE ? ESCAPE '\\')"
    terms = person_terms(value)
    return " AND ".join([clause] * len(terms)), [p for t in terms for p in (like(t),) * 2]


def _people(filters: Filters, a: str) -> tuple[list[str], list]:
    parts, params = [], []
    if filters.sender:
        clause, values = person_sql(f"{a}.sender", f"{a}.sender_name", filters.sender)
        parts.append(f"({clause})")
        params += values
    if filters.recipient:
        clause, values = person_sql("p.address", "p.name", filters.recipient)
        parts.append(f"EXISTS (SELECT 1 FROM participants p WHERE p.doc_id = {a}.id AND "
                     f"p.role IN {RECIPIENT_ROLES} AND {clause})")
        params += values
    return parts, params


def _places(filters: Filters, a: str) -> tuple[list[str], list]:
    parts, params = [], []
    for op, value in ((">=", filters.after), ("<", filters.before)):
        if value:
            parts.append(f"{a}.date {op} ?")
            params.append(value)
    if filters.mailbox:
        parts.append(f"EXISTS (SELECT 1 FROM locations l WHERE l.doc_id = {a}.id AND "
                     "l.mailbox = ? COLLATE NOCASE)")
        params.append(filters.mailbox.strip())
    if filters.thread_id is not None:
        parts.append(f"{a}.thread_id = ?")
        params.append(int(filters.thread_id))
    if filters.doc_ids is not None:
        parts.append(f"{a}.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(i) for i in filters.doc_ids]))
    if filters.kind:
        parts.append(f"{a}.kind = ?")
        params.append(str(filters.kind))
    if filters.subject and filters.subject.strip():
        parts.append(f"lower(coalesce({a}.title, '')) LIKE ? ESCAPE '\\'")
        params.append(like(" ".join(filters.subject.split()).lower()))
    return parts, params


def _fields(filters: Filters, a: str) -> tuple[list[str], list]:
    parts, params = [], []
    for key, value in (filters.fields or {}).items():
        if not FIELD_NAME.match(key):
            raise QueryError(f"bad record field name {key!r}")
        # as text, so the number 5 in a record matches the typed "5"
        parts.append(f"CAST(json_extract({a}.meta, ?) AS TEXT) = ?")
        params += [f'$."{key}"', str(value)]
    return parts, params


def _attachments(filters: Filters, a: str) -> tuple[list[str], list]:
    """Documents with an attachment (of a type): from the names and types every reader keeps in
    the `attachments` column, so attachments that were not read as documents count too."""
    wanted = (filters.has_attachment or "").strip().lower()
    if not wanted:
        return [], []
    if wanted in (ANY_ATTACHMENT, "yes", "true", "1"):
        # no function call: the agent's read-only authorizer allows only a few
        return [f"({a}.attachments IS NOT NULL AND {a}.attachments NOT IN ('', '[]'))"], []
    suffixes, ctype = ATTACHMENT_TYPES.get(wanted, ((f".{wanted.lstrip('.')}",), wanted.lstrip(".")))
    names = " OR ".join(["lower(json_extract(j.value, '$.name')) LIKE ? ESCAPE '\\'"] * len(suffixes))
    clause = (f"EXISTS (SELECT 1 FROM json_each(coalesce({a}.attachments, '[]')) j WHERE {names} "
              "OR lower(json_extract(j.value, '$.content_type')) LIKE ? ESCAPE '\\')")
    return [clause], [like(s)[:-1] for s in suffixes] + [like(ctype)]


def filter_sql(filters: Filters | None, alias: str = "d") -> tuple[str, list]:
    """A WHERE fragment over documents `alias` (and its parameters) for the documents that pass."""
    if filters is None or filters.is_empty():
        return "1=1", []
    parts, params = [], []
    for compile_part in (_people, _places, _fields, _attachments):
        more, values = compile_part(filters, alias)
        parts += more
        params += values
    return " AND ".join(parts) or "1=1", params


def select_ids(store, filters: Filters | None, limit: int | None = None) -> list[int]:
    """Every matching document id in reading order (thread by thread, then date)."""
    where, params = filter_sql(filters, "d")
    sql = f"SELECT d.id FROM documents d WHERE {where} ORDER BY {READING_ORDER}"
    if limit:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return [r[0] for r in store.conn.execute(sql, params)]


def measure(store, filters: Filters | None) -> tuple[int, int]:
    """(documents, characters of their text) selected by filters."""
    where, params = filter_sql(filters, "d")
    row = store.conn.execute("SELECT count(*), sum(coalesce(d.n_chars, length(d.body))) "
                             f"FROM documents d WHERE {where}", params).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def allowed_chunk_ids(store, filters: Filters | None) -> list[int]:
    """Chunk ids of the documents that pass filters (thread units only with a thread filter)."""
    where, params = filter_sql(filters, "d")
    sql = (f"SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id "
           f"WHERE {where}{chunk_unit_sql(filters)}")
    return [r[0] for r in store.conn.execute(sql, params)]


def chunk_unit_sql(filters: Filters | None, alias: str = "c") -> str:
    """Thread units are searched only inside a thread filter (else they would double-count)."""
    return "" if filters is not None and filters.thread_id is not None else f" AND {alias}.unit = 'doc'"
