"""The one compiler from Filters to SQL, and the reads built on it.

Search (BM25 and dense), the agent's scopes, the metadata queries and their counts all select
documents through `filter_sql`, so `search --mailbox X` and a question scoped to X see exactly the
same documents. Values only ever travel as parameters.
"""
from __future__ import annotations

import json
import re

from archivist import word_forms
from archivist.errors import QueryError
from archivist.records import ANY_ATTACHMENT, Filters

QUOTED_ORD = 1000  # the first ord of a document's quoted-history chunks (chunking: after any body chunks)
FIELD_NAME = re.compile(r"^[A-Za-z0-9_ .-]{1,64}$")
RECIPIENT_ROLES = "('to', 'cc', 'bcc')"
# attachment types by name suffix and by a piece of the content type
ATTACHMENT_TYPES = {"pdf": ((".pdf",), "pdf"), "ppt": ((".ppt", ".pptx", ".pps"), "powerpoint"), "docx": ((".docx",), "wordprocessingml"),
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


def domain_sql(address_col: str, domain: str) -> tuple[str, list]:
    """Addresses at a domain or any of its subdomains ('andersen.com' holds us.andersen.com)."""
    domain = domain.strip().lower().lstrip("@")
    return (f"(lower({address_col}) LIKE ? ESCAPE '\\' OR lower({address_col}) LIKE ? ESCAPE '\\')",
            [like("@" + domain)[:-1], like("." + domain)[:-1]])


def person_sql(address_col: str, name_col: str, value: str | list[str]) -> tuple[str, list]:
    """A person by address (exact, any case; "@domain" for a whole domain), by name words, or by
    the list of one person's addresses."""
    if isinstance(value, (list, tuple)):  # one person: 'address', or 'address|Name' for a shared address
        whole = [v.lower() for v in value if "|" not in v and not v.startswith("@")]
        pairs = [v.split("|", 1) for v in value if "|" in v]
        domains = [domain_sql(address_col, v) for v in value if v.startswith("@")]  # 'aol or hotmail addresses'
        parts = [f"lower({address_col}) IN (SELECT value FROM json_each(?))"]
        parts += [f"(lower({address_col}) = ? AND {name_col} = ?)"] * len(pairs)
        parts += [clause for clause, _ in domains]
        return "(" + " OR ".join(parts) + ")", [json.dumps(whole)] + [x for a, n in pairs for x in (a.lower(), n)] \
            + [p for _, params in domains for p in params]
    value = value.strip()
    if value.startswith("@"):
        return domain_sql(address_col, value)
    if (address := address_of(value)) is not None:
        return f"lower({address_col}) = ?", [address]
    clause = f"({address_col} LIKE ? ESCAPE '\\' OR {name_col} LIKE ? ESCAPE '\\')"
    terms = person_terms(value)
    return " AND ".join([clause] * len(terms)), [p for t in terms for p in (like(t),) * 2]


PERSON_ROLES = {"recipient": RECIPIENT_ROLES, "to": "('to')", "cc": "('cc')", "bcc": "('bcc')",
                "participant": "('from', 'to', 'cc', 'bcc')"}


def _person(role: str, value: str | list[str], a: str) -> tuple[str, list]:
    if role == "sender":
        clause, values = person_sql(f"{a}.sender", f"{a}.sender_name", value)
        return f"({clause})", values
    clause, values = person_sql("p.address", "p.name", value)
    return (f"EXISTS (SELECT 1 FROM participants p WHERE p.doc_id = {a}.id AND "
            f"p.role IN {PERSON_ROLES[role]} AND {clause})"), values


def _pair(one: str | list[str], other: str | list[str], a: str) -> tuple[str, list]:
    """Mail between two people: one of them sent it to the other (To, Cc or Bcc), not both
    copied on someone else's memo."""
    clauses, params = [], []
    for sender, recipient in ((one, other), (other, one)):
        s, s_values = _person("sender", sender, a)
        r, r_values = _person("recipient", recipient, a)
        clauses.append(f"({s} AND {r})")
        params += s_values + r_values
    return "(" + " OR ".join(clauses) + ")", params


def _people(filters: Filters, a: str) -> tuple[list[str], list]:
    parts, params = [], []
    wanted = [(role, getattr(filters, role)) for role in ("sender", "recipient", "to", "cc", "bcc", "participant")]
    also = [(r, v) for r, v in filters.also if r in PERSON_ROLES or r == "sender"]
    between = [v for r, v in also if r == "participant"]
    if filters.participant and len(between) == 1:  # 'between A and B', 'A and B exchanged'
        clause, values = _pair(filters.participant, between[0], a)
        parts.append(clause)
        params += values
        wanted = [(r, v) for r, v in wanted if r != "participant"]
        also = [(r, v) for r, v in also if r != "participant"]
    for role, value in wanted + also:
        if value:
            clause, values = _person(role, value, a)
            parts.append(clause)
            params += values
    if filters.sender_not:
        clause, values = domain_sql(f"coalesce({a}.sender, '')", filters.sender_not)
        parts.append(f"NOT {clause}")
        params += values
    return parts, params


MARKED = re.compile(r"(\w+)\((\w{1,3})\)")  # a word with a letter or two in parentheses: '401(k)'


def fts_words(text: str) -> str:
    """An FTS5 query over the text and subject columns: every word of text ('NETCO or UBS': either
    side), each quoted so that no word is read as an operator, or one of its family ('bankruptcy'
    or 'bankrupt': archivist.word_forms)."""
    split = re.split(r"\s+or\s+|\s*/\s*", text, flags=re.I)
    marked = [MARKED.findall(side) for side in split]  # '401(k)': '401' and 'k', or '401k' as one word
    sides = [re.findall(r"[\w'-]+", MARKED.sub(" ", side)) for side in split]
    term = lambda w: "(" + " OR ".join('"' + f.replace('"', "") + '"' for f in word_forms.family(w)) + ")"  # noqa: E731
    joined = lambda a, b: f'(("{a}" AND "{b}") OR "{a}{b}")'  # noqa: E731
    groups = ["(" + " AND ".join([term(w) for w in words] + [joined(a, b) for a, b in marks]) + ")"
              for words, marks in zip(sides, marked) if words or marks]
    # a name of capitalised words may be written as one word: 'Enron Online' is also 'EnronOnline'
    groups += ['"' + "".join(words).replace('"', "") + '"' for words in sides
               if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)]
    return "{text subject}: (" + " OR ".join(groups) + ")"


def _text(filters: Filters, a: str) -> tuple[list[str], list]:
    """Documents whose own text (a chunk of the document, quoted history of originals not in the
    archive included) or subject holds every word: the full-text index, so stems match."""
    if not (filters.text and re.search(r"\w", filters.text)):
        return [], []
    # the email's own text: quoted history is chunked from QUOTED_ORD on (retrieval/chunking.py)
    return [f"{a}.id IN (SELECT c.doc_id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
            f"WHERE chunks_fts MATCH ? AND c.unit = 'doc' AND c.ord < {QUOTED_ORD})"], [fts_words(filters.text)]


def _places(filters: Filters, a: str) -> tuple[list[str], list]:
    parts, params = [], []
    for op, value in ((">=", filters.after), ("<", filters.before)):
        if value:
            parts.append(f"{a}.date {op} ?")
            params.append(value)
    if filters.mailbox:
        in_box = f"EXISTS (SELECT 1 FROM locations l WHERE l.doc_id = {a}.id AND l.mailbox = ? COLLATE NOCASE)"
        params.append(filters.mailbox.strip())
        if filters.mailbox_or_recipient:
            named, values = _person("recipient", filters.mailbox_or_recipient, a)
            in_box = f"({in_box} OR {named})"
            params += values
        parts.append(in_box)
    if filters.thread_id is not None:
        parts.append(f"{a}.thread_id = ?")
        params.append(int(filters.thread_id))
    if filters.doc_ids is not None:
        parts.append(f"{a}.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(i) for i in filters.doc_ids]))
    if filters.kind:
        parts.append(f"{a}.kind = ?")
        params.append(str(filters.kind))
    if filters.subject and filters.subject.strip():  # 'New Power or NewPower': either (as the words are read)
        sides = [" ".join(x.split()).lower() for x in re.split(r"\s+or\s+", filters.subject, flags=re.I) if x.strip()]
        parts.append("(" + " OR ".join(f"lower(coalesce({a}.title, '')) LIKE ? ESCAPE '\\'" for _ in sides) + ")")
        params += [like(x) for x in sides]
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
    """Documents with an attachment (of a type, or of a name: 'name:budget.xls'): from the names
    and types every reader keeps in the `attachments` column, so attachments that were not read
    as documents count too, and from those stripped from the archive but still named in the text
    ('<< File: memo.xls >>', meta.attachments_named)."""
    wanted = (filters.has_attachment or "").strip().lower()
    if not wanted:
        return [], []
    if wanted.startswith("not:"):  # the emails without such an attachment
        clause, values = _attachments(Filters(has_attachment=wanted[4:]), a)
        return [f"NOT {clause[0]}"], values
    named = f"coalesce(json_extract({a}.meta, '$.attachments_named'), '[]')"
    if wanted in (ANY_ATTACHMENT, "yes", "true", "1"):
        # no function call beyond these: the agent's read-only authorizer allows only a few
        return [f"(({a}.attachments IS NOT NULL AND {a}.attachments NOT IN ('', '[]')) OR {named} != '[]')"], []
    if wanted.startswith("name:"):
        pattern = like(wanted[5:].strip())
        return [f"(EXISTS (SELECT 1 FROM json_each(coalesce({a}.attachments, '[]')) j WHERE "
                f"lower(json_extract(j.value, '$.name')) LIKE ? ESCAPE '\\') OR EXISTS (SELECT 1 FROM "
                f"json_each({named}) n WHERE lower(n.value) LIKE ? ESCAPE '\\'))"], [pattern, pattern]
    suffixes, ctype = ATTACHMENT_TYPES.get(wanted, ((f".{wanted.lstrip('.')}",), wanted.lstrip(".")))
    names = " OR ".join(["lower(json_extract(j.value, '$.name')) LIKE ? ESCAPE '\\'"] * len(suffixes))
    named_of = " OR ".join(["lower(n.value) LIKE ? ESCAPE '\\'"] * len(suffixes))
    clause = (f"(EXISTS (SELECT 1 FROM json_each(coalesce({a}.attachments, '[]')) j WHERE {names} "
              "OR lower(json_extract(j.value, '$.content_type')) LIKE ? ESCAPE '\\') OR EXISTS (SELECT 1 "
              f"FROM json_each({named}) n WHERE {named_of}))")
    suffix_patterns = [like(s)[:-1] for s in suffixes]
    return [clause], suffix_patterns + [like(ctype)] + suffix_patterns


def filter_sql(filters: Filters | None, alias: str = "d") -> tuple[str, list]:
    """A WHERE fragment over documents `alias` (and its parameters) for the documents that pass."""
    if filters is None or filters.is_empty():
        return "1=1", []
    parts, params = [], []
    for compile_part in (_people, _places, _fields, _attachments, _text):
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
    """(documents, characters of their text) selected by filters: the sizes stored with them (a
    month of a million emails from the date index alone, which holds kind and size too), the text
    itself read only for a document stored without one."""
    where, params = filter_sql(filters, "d")
    n, chars, sized = store.conn.execute("SELECT count(*), sum(d.n_chars), count(d.n_chars) "
                                         f"FROM documents d WHERE {where}", params).fetchone()
    if n > sized:
        chars = (chars or 0) + (store.scalar("SELECT sum(length(d.body)) FROM documents d WHERE "
                                             f"d.n_chars IS NULL AND {where}", params) or 0)
    return int(n or 0), int(chars or 0)


def allowed_chunk_ids(store, filters: Filters | None) -> list[int]:
    """Chunk ids of the documents that pass filters (thread units only with a thread filter)."""
    where, params = filter_sql(filters, "d")
    sql = (f"SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id "
           f"WHERE {where}{chunk_unit_sql(filters)}")
    return [r[0] for r in store.conn.execute(sql, params)]


def chunk_unit_sql(filters: Filters | None, alias: str = "c") -> str:
    """Thread units are searched only inside a thread filter (else they would double-count)."""
    return "" if filters is not None and filters.thread_id is not None else f" AND {alias}.unit = 'doc'"
