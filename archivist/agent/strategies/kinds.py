"""The kind of email a figure's question names ('ERV violation notices', 'Kudlow commentary emails'),
settled against the emails the other constraints select. No header says what kind an email is:
- a name (a capitalised or all-caps word: 'ERV', 'Concur', 'BNA Daily Environment Report') is
  searched: the emails whose subject, sender, recipients or attachment names hold every word (when
  none does, whose text does: an email quoting an ERV notice is no ERV notice; when no text does
  either, no figure); a name that is part of the sender's address the question gives ('Concur ...
  (enron_update@concureworkplace.com)') is that sender's mail, all of it;
- common words ('commentary', 'access request', 'press clipping') held by at least half of those
  emails say what they are: all of them are counted (the answer says how many hold the words);
  held by fewer, they are words the emails must hold; held by none, they describe the emails only
  when the question names them by their words already (a subject or a quoted phrase), else no
  figure is given.
The answer always says which reading was taken and gives the other figure.

An email's form: a forward has 'FW:' or 'Fwd:' before its subject or a forwarded-message line in
its text ('---- Forwarded by', 'Begin forwarded message'); a reply has 'RE:' before its subject
and is no forward."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from archivist import word_forms
from archivist.agent.question.plan import QueryPlan, Role
from archivist.records import Filters

FORWARD_SUBJECT = re.compile(r"^\s*(?:re\s*:\s*)*\[?\s*(?:fw|fwd)\s*:", re.I)  # '[Fwd: ...]' as some mailers write it
REPLY_SUBJECT = re.compile(r"^\s*re\s*:", re.I)
FORWARDED_LINE = re.compile(r"-{3,}\s*Forwarded\s+by\b|-{3,}\s*Forwarded\s+message|Begin\s+forwarded\s+message", re.I)
DESCRIBES = 0.5  # the share of the selected emails that must hold common words for them to describe all


@dataclass
class KindReading:
    filters: Filters | None  # None: no figure (the words fit no email and name none of them)
    note: str


def is_name(plan: QueryPlan, start: int, word: str) -> bool:
    """A capitalised word that is not the question's first, one with capitals inside ('smu-BETAS')
    or a part of an address ('no.address')."""
    first = not plan.question[:start].strip() or plan.question[:start].rstrip()[-1:] in ".?!:"
    return any(ch.isupper() for ch in word[1:]) or word[:1].isupper() and not first or bool(re.search(r"\w[.@]\w", word))


def _texts(store, ids: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """id -> what its headers say it is (subject, sender and its name, the people it went to, its
    attachments' names), and id -> its text with the quoted history."""
    heads, texts = {}, {}
    for i, head, text in store.conn.execute(
            "SELECT d.id, coalesce(d.title, '') || ' ' || coalesce(d.sender, '') || ' ' || coalesce(d.sender_name, '')"
            " || ' ' || coalesce(json_extract(d.meta, '$.attachments_named'), '') || ' ' || coalesce(d.attachments, '')"
            " || ' ' || coalesce((SELECT group_concat(coalesce(p.name, '') || ' ' || p.address, ' ') FROM participants p"
            " WHERE p.doc_id = d.id AND p.role != 'from'), ''), d.body || ' ' || d.quoted"
            " FROM documents d WHERE d.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)):
        heads[i], texts[i] = head, text
    return heads, texts


def _the_sender(plan: QueryPlan, words: list[str]) -> bool:
    """Whether a word of the kind is part of a sender's address the question gives ('Concur expense
    notifications (enron_update@concureworkplace.com)'): the kind is that sender's mail."""
    senders = [str(v).lower() for c in plan.of(Role.SENDER, Role.DOMAIN)
               for v in (c.value if isinstance(c.value, list) else [c.value]) if v]
    return any(len(w) > 2 and w.lower() in a for w in words for a in senders)


def settle(store, plan: QueryPlan, f: Filters, rows: list[dict]) -> KindReading:
    """Filters with the kind of email read (doc_ids narrowed, or as they were) and what was done."""
    kind = plan.of(Role.KIND)[0]
    words = re.findall(r"[\w&]+(?:'[\w&]+)*", str(kind.value))  # 'access-request': either way written
    named = any(is_name(plan, kind.start + m.start(), m.group(0))
                for m in re.finditer(r"[\w&]+(?:[-'][\w&]+)*", kind.text))
    patterns = [re.compile(rf"\b{word_forms.pattern(w)}\b", re.I) for w in words]
    ids = [r["id"] for r in rows]
    heads, texts = _texts(store, ids)
    fit = [i for i in ids if all(p.search(f"{heads.get(i, '')} {texts.get(i, '')}") for p in patterns)]
    by_head = [i for i in ids if all(p.search(heads.get(i, "")) for p in patterns)]
    if named and by_head:  # 'ERV Notification emails': the ones whose headers say so, not those quoting one
        fit = by_head
    said, n, k = kind.value, len(ids), len(fit)
    only = replace(f, doc_ids=fit)
    if k == n:
        return KindReading(f, f"every one of the {n} emails holds the words '{said}'" if n else
                           f"no email fits the other constraints, so '{said}' was not checked")
    if not named and any(re.fullmatch(r"[\s'\"”’]*", plan.question[c.end:kind.start]) for c in plan.of(Role.SUBJECT)):
        return KindReading(f, f"'{said}' was read as saying what the emails of the subject before it are, so all "
                              f"{n} are counted; {k} of them hold the words '{said}'")  # "'Enron Mentions' press-clip emails"
    if named and _the_sender(plan, words):
        return KindReading(f, f"'{said}' was read as naming the sender given ({k} of the {n} emails hold the words)")
    if named and k:
        return KindReading(only, f"'{said}' was read as a name the emails hold: {k} of the {n} emails the other "
                                 f"constraints select hold it")
    by_words = any(c.role == Role.SUBJECT or c.role == Role.TEXT and '"' in plan.question[c.start:c.end]
                   or "'" in plan.question[c.start:c.end] for c in plan.of(Role.SUBJECT, Role.TEXT))
    if k >= DESCRIBES * n or k == 0 and by_words:
        return KindReading(f, f"'{said}' was read as saying what these emails are, so all {n} are counted; "
                              f"{k} of them hold the words '{said}'")
    if k == 0:
        return KindReading(None, f"none of the {n} emails the other constraints select holds the words '{said}', "
                                 f"and I could not tell whether they say what these emails are")
    return KindReading(only, f"'{said}' was read as words the emails hold: {k} of the {n} emails the other "
                             f"constraints select hold them (the other reading, all of them: {n})")


def of_form(store, rows: list[dict], form: str) -> list[dict]:
    """The rows that are forwards (form 'forward') or replies ('reply'), or are not ('not forward')."""
    ids = [r["id"] for r in rows]
    texts = dict(store.conn.execute("SELECT id, body || ' ' || quoted FROM documents WHERE id IN "
                                    "(SELECT value FROM json_each(?))", (json.dumps(ids),)))
    forward = {r["id"] for r in rows if FORWARD_SUBJECT.match(r.get("title") or "")
               or FORWARDED_LINE.search(texts.get(r["id"], ""))}
    reply = {r["id"] for r in rows if r["id"] not in forward and REPLY_SUBJECT.match(r.get("title") or "")}
    keep = {"forward": forward, "reply": reply}[form.removeprefix("not ")]
    return [r for r in rows if (r["id"] in keep) != form.startswith("not ")]


def leave_out(store, plan: QueryPlan, f: Filters, rows: list[dict]) -> KindReading:
    """Filters without the emails of each kind left out ('leaving aside the automated SAP file
    notices'): those whose headers hold every name in the words (none does: whose text does);
    no name in the words, or no email holding it: no figure."""
    ids = [r["id"] for r in rows]
    heads, texts = _texts(store, ids)
    out: set[int] = set()
    for c in plan.of(Role.NOT_KIND):
        names = [m.group(0) for m in re.finditer(r"[\w&]+(?:[.'@-][\w&]+)*", c.text)
                 if is_name(plan, c.start + m.start(), m.group(0))]
        if not names:
            return KindReading(None, f"I could not tell which emails '{c.value}' are (no name in the words to find them by)")
        patterns = [re.compile(rf"(?<![\w.]){re.escape(n)}(?![\w])", re.I) for n in names]
        found = {i for i in ids if all(p.search(heads.get(i, "")) for p in patterns)} or \
            {i for i in ids if all(p.search(texts.get(i, "")) for p in patterns)}  # the headers first, else the text
        if not found:
            return KindReading(None, f"no email the other constraints select is one of '{c.value}' (none holds "
                                     f"{' '.join(names)}), so I could not tell which to leave out")
        out |= found
    said = ", ".join(f"'{c.value}'" for c in plan.of(Role.NOT_KIND))
    return KindReading(replace(f, doc_ids=[i for i in ids if i not in out]),
                       f"{len(out)} of the {len(ids)} emails the other constraints select were left out as {said} "
                       f"(they hold the name)")
