"""The one email a question describes by its content ('Rick Shapiro's message to the staff stranded
after the attacks'): the emails that fit the exact constraints, ranked by how much of the
description each one's own text holds, and the field asked for from the best one's headers.

Which emails can be it: those that fit every constraint the question gave; a recipient named
without a header role ('forwarded Nemec the recipe') may also have had it in their own mailbox
without being named in any header (a list, a blind copy). When no email fits them all, the
constraints least likely to be meant as such are let go one step at a time, and the answer says
which: people named inside parentheses ('intro by Lavorato and Kitchen'), a sender domain read from
a word, a second sender (an email has one: 'Vince emailed a Bob Williams' makes Bob a participant),
then every person but the first named. What was let go still ranks: its words are searched and an
email whose headers name a person let go weighs more.

How well an email fits: search ranks the candidates first (its word statistics are the whole
archive's, and dense search sees paraphrase); the best of them, and the best by the archive's
full-text index, are ranked again by BM25 with the statistics of those candidates alone, so a word
most of them share (a sender's department, 'Government Affairs', on every one of his emails) does
not outweigh the words that tell them apart ('stranded', 'attacks'), plus the description's word
pairs an email holds side by side ('Dale Sanders', 'performance bond'). An email's own text is read
(its subject and what its sender wrote, not the quoted history), so a reply or forward that quotes
the described email ranks below it, unless the question says it was forwarded: then the quoted text
counts too, and a forward of the best email, or one holding nearly as much of it, comes first. A
short email gains nothing from its length; a long digest loses. The two orders are fused by their
ranks; a tie goes to the email with the rarer words, and an email whose words score half as much
again as the fused best's comes first; of those scoring nearly as well as the first, the one that
holds more of the description's distinct words comes first (unless much longer). When another
email fits (nearly) as well, the answer says so and cites it.

When the best email holds under a third of the description's distinct words and the question gave
a month or a longer period, the best email of any period is weighed too and taken, said, when it
holds at least twice as many ('whether Enron would keep paying ... in 2002': a year the email speaks
of; a day or a week named is the email's own). When the best holds under a fifth of them and more
than a few emails fit, no answer is given: the closest is named, with how little it holds.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import fields, replace

from archivist import word_forms
from archivist.agent.question.described_ask import REPLIED
from archivist.agent.question.plan import PEOPLE_ROLES, Constraint, QueryPlan, Role, Target
from archivist.agent.question.words import is_frame
from archivist.agent.strategies.related_mail import first_reply, with_twins
from archivist.records import Filters
from archivist.store.documents import own_texts

CANDIDATES = 20  # the search's best emails that the description's words are weighed among
FTS_CANDIDATES = 50  # and the full-text index's best chunks (search's dense half can miss a rare word)
ALL_READ = 200  # candidates up to this many are all weighed, found by a search or not
FUSION_K = 60  # reciprocal rank fusion: 1 / (k + rank), the usual k
K1, B = 1.2, 0.75  # BM25's usual term saturation and length normalisation
SAME_FIELD_MAX = 5  # when no email holds the description's words: this many that agree on the field still answer
MARGIN = 1.5  # an email whose words score this many times the fused best's comes first
NEAR = 0.9  # another email whose words score this share of the best one's also fits: said
SHORTER, SHORT = 1.5, 200  # an email near the best in score takes its place by holding more words only when not
# much longer than it or short itself (words)
WEAK, TOO_WEAK = 0.35, 0.2  # the share of the description's words the best email holds: below WEAK another
# period's best is tried; below TOO_WEAK (among more than SAME_FIELD_MAX emails) no answer is given
OTHER_PERIOD, OTHER_FLOOR = 2.0, 0.4  # ... and taken when it holds this many times the share, and this share at least
QUOTED_WEIGHT = 0.5  # a forward's quoted text, when the question says it was forwarded
FORWARDED = re.compile(r"\b(?:forward(?:ed|s|ing)?|fwd|fw)\b", re.I)
FORWARD_TITLE = re.compile(r"\s*(?:fw|fwd)\s*:", re.I)
TERM = re.compile(r"[A-Za-z][\w'-]+|\d[\d,.]*\d|\d")


def field_answer(store, plan: QueryPlan, search, f: Filters):
    """The one email the constraints describe (found by search with its content words), and the
    field asked for from its headers: planned.py's answer to Ask.FIELD."""
    from archivist.agent.strategies import planned as P
    from archivist.agent.strategies.metadata import Calendar
    words = " ".join(str(c.value) for c in plan.of(Role.TOPIC, Role.TEXT))
    f = replace(f, text=None)  # content words rank the candidates; they are no exact filter here
    calendar = Calendar.EITHER if f.after and f.before and P._one_day(f) else Calendar.LOCAL
    rows_of = (lambda g: P._by_subject(store, g, calendar, plan)) if plan.of(Role.SUBJECT) else \
        (lambda g: P._rows(store, g, calendar))
    if plan.target == Target.ATTACHMENTS:  # 'what was the document called': the email had one (in any period tried)
        rows_of = _having_files(store, rows_of)
    rows, gone, said = candidates(store, plan, f, rows_of)
    if not rows:
        return P.PlanAnswer(f"No email matches ({P.describe(plan)}).", result={})
    scored = ranked(store, rows, words, search, gone, plan.question) if words.strip() else [(r, 0) for r in rows]
    share = _share(store, scored[0][0], words)
    if terms_of(words) and scored[0][1] <= 0:  # no email that fits holds a word of the description: one sent in
        if not (other := _other_period(store, plan, f, rows_of, words, search, gone, 0.0)):  # the week after the
            return _unworded(store, plan, rows, words)  # day named may ('the limit break on 16 November')
        scored, rows, note, share = other
        said, gone = [*said, note], [*gone, *plan.of(Role.DATE)]
    # 'what was attached to ...': an email of that period with nothing attached does not fit at all
    fileless = plan.target == Target.ATTACHMENTS and bool(scored) and not _with_files(store, [scored[0][0]])
    if (share < WEAK or fileless) and \
            (other := _other_period(store, plan, f, rows_of, words, search, gone, 0.0 if fileless else share)):
        scored, rows, note, share = other  # 'whether Enron would keep paying ... in 2002': a date the email speaks of
        said = [*said, note]
        gone = [*gone, *plan.of(Role.DATE)]
    if terms_of(words) and share < TOO_WEAK and len(rows) > SAME_FIELD_MAX:
        closest = scored[0][0]
        return P.PlanAnswer(f"No email that fits ({P.describe(plan)}) holds enough of the words that describe it "
                            f"({words}): the closest, \"{closest['title'] or ''}\" from {closest['sender_name'] or closest['sender']}, "
                            f"{P._day(closest)} [1], holds {share:.0%} of them.", [closest["id"]], result={})
    best, also = scored[0][0], near(scored)
    kept = replace(plan, constraints=[c for c in plan.constraints if c not in gone]) if gone else plan
    lead = (f"The email that best fits ({P.describe(kept)}) is \"{best['title'] or ''}\" from "
            f"{best['sender_name'] or best['sender']}, {P._day(best)} [1].")
    if said:
        lead = "No email fits every constraint: " + "; ".join(said) + ". " + lead
    if len(rows) > 1 and not words.strip():
        lead += f" {len(rows)} emails fit; this is the earliest."
    elif also:
        lead += (f" {len(also)} other email{'s' if len(also) > 1 else ''} fit{'' if len(also) > 1 else 's'} nearly as well: "
                 + "; ".join(f"\"{r['title'] or ''}\" from {r['sender_name'] or r['sender']}, {P._day(r)} [{n}]"
                             for n, r in enumerate(also, 2)) + ".")
    if plan.target == Target.REPLY:
        return first_reply(store, best, lead, also, first_only=bool(REPLIED[0].search(plan.question)))
    got = _others_only(plan, P._field_of(store, best, plan.target, lead))
    if also:
        got.ids += [r["id"] for r in also]
        got.result["others"] = [r["id"] for r in also]
    return with_twins(store, got, best, also, plan.target)


ELSE = re.compile(r"\bwho\s+else\b|\b(?:anyone|anybody|everyone|people)\s+else\b", re.I)


def _others_only(plan: QueryPlan, got):
    """'Who else was on that email?', 'Besides Ken Lay himself, who received copies': the people
    the question names (all of them after 'else'; those it leaves out after 'besides') are not the
    answer, and the answer says so."""
    from archivist.agent.strategies import planned as P
    roles = (*PEOPLE_ROLES, Role.EXCLUDED) if ELSE.search(plan.question) else (Role.EXCLUDED,)
    named = {a.split("|")[0].strip("<>").lower() for c in plan.of(*roles) for a in P._values(c.value) if "@" in a}
    people = got.result.get("people")
    if not named or not people or plan.target == Target.SENDER:
        return got
    kept = [p for p in people if not {a.lower() for a in p["addresses"]} & named]
    if len(kept) < len(people):
        got.result["people"] = kept
        got.text += " Named in the question, so left out: " + "; ".join(
            p["name"] or p["addresses"][0] for p in people if p not in kept) + "."
    return got


def _share(store, row: dict, words: str) -> float:
    """The share of the description's distinct words the email's own text holds."""
    terms = set(terms_of(words))
    return _held(store, [row["id"]], words)[0][row["id"]] / len(terms) if terms else 1.0


def _other_period(store, plan: QueryPlan, f: Filters, rows_of, words: str, search, gone, share: float):
    """When the best email of the period the question gives holds little of its description, the
    best email of any period, if it holds far more ('whether Enron would keep paying 100% of bus
    passes in 2002': 2002 is a year the email speaks of): (scored, rows, what was done, its share)."""
    dates = plan.of(Role.DATE)
    if len(dates) != 1 or dates[0] in gone or (f.after, f.before) != _interval(dates[0]):
        return None
    short = _days(dates[0]) <= 7  # a day or a week named: the email's own, or the day of what it reports
    # ('the limit break on 16 November': the notice went out on the 19th); a month or a year may be
    # anything it speaks of ('whether Enron would keep paying ... in 2002')
    rows = rows_of(replace(f, before=_week_after(f.before)) if short else replace(f, after=None, before=None))
    if not rows:
        return None
    scored = ranked(store, rows, words, search, gone, plan.question)
    other = _share(store, scored[0][0], words)
    if other < max(OTHER_PERIOD * share, OTHER_FLOOR):
        return None
    elsewhere = "in the week after it" if short else "at another time"
    return scored, rows, (f"'{dates[0].text}' was let go: the email of that period that fits best holds {share:.0%} "
                          f"of the words that describe it, one sent {elsewhere} {other:.0%}"), other


def _week_after(before: str) -> str:
    """The end of a period a week later (the email reporting what happened on the day named)."""
    from datetime import date, timedelta
    return (date.fromisoformat(before[:10]) + timedelta(days=7)).isoformat()


def _days(c: Constraint) -> int:
    """The days a date constraint spans (an open end: many)."""
    from datetime import date
    low, high = _interval(c)
    return (date.fromisoformat(high) - date.fromisoformat(low)).days if low and high else 10 ** 6


def _interval(c: Constraint) -> tuple[str | None, str | None]:
    low, _, high = str(c.value).partition("..")
    return low or None, high or None


def _having_files(store, rows_of):
    """rows_of keeping the emails that have an attachment, when any of them does."""
    def having(g: Filters) -> list[dict]:
        rows = rows_of(g)
        return _with_files(store, rows) or rows
    return having


def _with_files(store, rows: list[dict]) -> list[dict]:
    """The rows whose email has an attachment, stored or named in its text."""
    ids = {i for (i,) in store.conn.execute(
        "SELECT id FROM documents WHERE id IN (SELECT value FROM json_each(?)) AND (coalesce(attachments, '[]') "
        "NOT IN ('[]', '') OR json_array_length(coalesce(json_extract(meta, '$.attachments_named'), '[]')) > 0)",
        (json.dumps([int(r["id"]) for r in rows]),))}
    return [r for r in rows if r["id"] in ids]


def _unworded(store, plan: QueryPlan, rows: list[dict], words: str):
    """No email that fits the constraints holds a word of the description: the field only when a
    few fit and all of them give the same one, else no answer."""
    from archivist.agent.strategies import planned as P
    said = f"No email that fits ({P.describe(plan)}) holds the words that describe it ({words})"
    if len(rows) > SAME_FIELD_MAX:
        return P.PlanAnswer(said + ".", result={})
    got = [P._field_of(store, r, plan.target, "") for r in rows]
    if any({k: v for k, v in g.result.items() if k != "doc"} != {k: v for k, v in got[0].result.items() if k != "doc"}
           for g in got):
        return P.PlanAnswer(said + f"; the {len(rows)} that fit differ in the field asked.",
                            [r["id"] for r in rows][:P.MAX_CITED], result={})
    first = got[0]
    first.text = (f"{said}; all {len(rows)} that fit give the same answer" if len(rows) > 1 else said + "; one email fits"
                  ) + f", from \"{rows[0]['title'] or ''}\" [1]:{first.text}"
    first.ids = [r["id"] for r in rows][:P.MAX_CITED]
    return first


def candidates(store, plan: QueryPlan, f: Filters, rows_of) -> tuple[list[dict], list[Constraint], list[str]]:
    """(the emails that can be the described one, the constraints let go, what the answer says
    about them). rows_of(filters) -> rows: the exact constraints' emails."""
    rows = rows_of(f)
    base = replace(plan.filters(), text=None)
    own = {k.name: getattr(f, k.name) for k in fields(Filters) if getattr(f, k.name) != getattr(base, k.name)}
    vary = lambda cs: replace(replace(QueryPlan(plan.question, constraints=cs).filters(), text=None), **own)  # noqa: E731
    rows = rows + _in_their_mailbox(store, plan, rows, vary, rows_of)
    if rows or not plan.of(*PEOPLE_ROLES, Role.DOMAIN, Role.DATE):
        return rows, [], []
    kept, gone = list(plan.constraints), []
    for step in (_parenthesised, _domains, _second_senders, _dates, _later_people):
        kept, dropped, said = step(plan, kept)
        if not dropped and not said:
            continue
        gone += dropped
        if rows := rows_of(vary(kept)):
            return rows, gone, [s for s in said]
    return [], [], []


def _in_their_mailbox(store, plan, rows, vary, rows_of) -> list[dict]:
    """Emails in the mailbox of a recipient named without a header role that name them in no
    header (a list, a blind copy, a forward with no To line), not sent by them."""
    from archivist.agent.question.lexicon import lexicon
    from archivist.agent.question.people import mailbox_of
    seen, out = {r["id"] for r in rows}, []
    for c in plan.of(Role.RECIPIENT):
        box = mailbox_of(lexicon(store), c.text)
        if not box or not c.value:
            continue
        mine = {str(a).split("|")[0].lower() for a in (c.value if isinstance(c.value, list) else [c.value])}
        others = [x for x in plan.constraints if x is not c]
        for r in rows_of(vary(others + [Constraint(Role.MAILBOX, c.text, box, label=f"mailbox {box}")])):
            if r["id"] not in seen and (r.get("sender") or "").lower() not in mine:
                seen.add(r["id"])
                out.append(r)
    return out


def _inside_parentheses(text: str, c: Constraint) -> bool:
    return c.start > 0 and any(m.start() < c.start and c.end <= m.end() for m in re.finditer(r"\([^()]*\)", text))


def _parenthesised(plan, kept):
    gone = [c for c in kept if c.role in PEOPLE_ROLES and _inside_parentheses(plan.question, c)]
    return [c for c in kept if c not in gone], gone, [f"'{c.text}' (in parentheses) was read as words of the "
                                                       f"description, not as {c.role}" for c in gone]


def _domains(plan, kept):
    gone = [c for c in kept if c.role == Role.DOMAIN]
    return [c for c in kept if c not in gone], gone, [f"'{c.text}' was read as words of the description, not as a "
                                                       f"sender domain" for c in gone]


def _second_senders(plan, kept):
    senders = sorted((c for c in kept if c.role == Role.SENDER), key=lambda c: c.start)  # the first named stays
    moved = senders[1:]
    out = [replace(c, role=Role.PARTICIPANT) if c in moved else c for c in kept]
    return out, [], [f"an email has one sender: '{c.text}' was read as taking part in it" for c in moved]


def _dates(plan, kept):
    """'after Enron covered its January 2002 UCAP obligation': a date the description speaks of, not
    always the day the email was sent; let go when no email of that period fits."""
    gone = [c for c in kept if c.role == Role.DATE]
    return [c for c in kept if c not in gone], gone, [f"'{c.text}' was let go: no email that fits the rest was "
                                                       f"sent then" for c in gone]


def _later_people(plan, kept):
    people = sorted((c for c in kept if c.role in PEOPLE_ROLES), key=lambda c: c.start)
    gone = people[1:]
    return [c for c in kept if c not in gone], gone, [f"'{c.text}' was let go ({c.role}): no email fits it "
                                                       f"with the rest" for c in gone]


def by_content(store, rows: list[dict], words: str, search, soft: list[Constraint] | None = None,
               question: str = "") -> list[dict]:
    """rows ordered by how well their text matches the content words: search inside the rows,
    fused with the rare words of the description each email holds."""
    return [r for r, _ in ranked(store, rows, words, search, soft, question)]


def ranked(store, rows: list[dict], words: str, search, soft: list[Constraint] | None = None,
           question: str = "") -> list[tuple[dict, float]]:
    """(row, its words' score) best first; rows no search found follow, score 0, in their order."""
    by_id = {r["id"]: r for r in rows}
    said = " ".join([words] + [c.text for c in soft or []])
    hits = search(said, Filters(doc_ids=list(by_id)), CANDIDATES) if search is not None and said.strip() else []
    order = list(dict.fromkeys(h.doc_id for h in hits if h.doc_id in by_id))
    if len(rows) <= ALL_READ:  # few enough to read them all: none is missed by the search
        extra = [i for i in by_id if i not in order]
    else:
        extra = [i for i in _by_index(store, said, list(by_id)) if i not in order]
    pool = order + extra
    scores = _scores(store, pool, said, soft or [], bool(FORWARDED.search(question)))
    rare = sorted(pool, key=lambda i: (-scores[i], pool.index(i)))
    fused = _fuse(order, rare)
    if rare and fused and scores[rare[0]] > 0 and scores[rare[0]] >= MARGIN * scores[fused[0]]:  # the words clearly prefer another
        fused = [rare[0]] + [i for i in fused if i != rare[0]]
    fused = _fuller_first(store, fused, scores, said)
    if FORWARDED.search(question):
        fused = _forwards_first(store, fused, scores)
    return [(by_id[i], scores[i]) for i in fused] + [(r, 0.0) for r in rows if r["id"] not in scores]


def _fuller_first(store, fused: list[int], scores: dict[int, float], words: str) -> list[int]:
    """Of the best email and those scoring nearly as well, the one holding more of the description's
    distinct words comes first ('congratulating Chris Germany and Ingrid on the new baby': the note
    that names Ingrid and the baby, not the one that names Chris Germany twice)."""
    top = [i for i in fused[:6] if scores.get(i, 0) > 0 and scores[i] >= NEAR * scores.get(fused[0], 0)]
    if len(top) < 2:
        return fused
    held, length = _held(store, top, words)
    top = [i for i in top if length[i] <= max(SHORTER * length[fused[0]], SHORT)]  # a long digest holds many words
    # by its length
    best = max(top, key=lambda i: (held[i], scores[i]))
    return fused if held[best] <= held[fused[0]] else [best] + [i for i in fused if i != best]


def _held(store, ids: list[int], words: str) -> tuple[dict[int, int], dict[int, int]]:
    """(id -> how many of the description's distinct words its own text holds, id -> its length in words)."""
    texts = own_texts(store, ids)
    patterns = [re.compile(rf"\b{_term_pattern(t)}\b", re.I) for t in set(terms_of(words))]
    return ({i: sum(1 for p in patterns if p.search(texts.get(i) or "")) for i in ids},
            {i: len((texts.get(i) or "").split()) for i in ids})


def _forwards_first(store, fused: list[int], scores: dict[int, float]) -> list[int]:
    """'who forwarded X the recipe': among the best few, a forward of the best email (its subject)
    holding half as much of the description, or any forward holding nearly as much, comes first."""
    top = fused[:5]
    best = max(top, key=lambda i: scores[i], default=None)
    if best is None or scores[best] <= 0:
        return fused
    rows = {i: (t, s, b) for i, t, s, b in store.conn.execute(
        "SELECT id, coalesce(title, ''), coalesce(norm_subject, ''), substr(body, 1, 400) FROM documents "
        "WHERE id IN (SELECT value FROM json_each(?))", (f"[{','.join(map(str, top))}]",))}
    forward = lambda i: bool(FORWARD_TITLE.match(rows[i][0]) or "Forwarded by" in rows[i][2])  # noqa: E731
    of_best = lambda i: rows[i][1] and rows[i][1] == rows[best][1]  # noqa: E731
    ahead = [i for i in top if i in rows and forward(i) and (scores[i] >= NEAR * scores[best]
                                                             or of_best(i) and scores[i] >= 0.5 * scores[best])]
    return ahead + [i for i in fused if i not in ahead]


def _by_index(store, words: str, ids: list[int]) -> list[int]:
    """The ids among ids whose chunks the full-text index ranks best for the words."""
    from archivist.retrieval.fts import bm25_search
    if not words.strip() or not ids:
        return []
    found = bm25_search(store, words, FTS_CANDIDATES, Filters(doc_ids=ids))
    chunks = [c for c, _ in found]
    if not chunks:
        return []
    marks = ",".join("?" * len(chunks))
    doc = dict(store.conn.execute(f"SELECT id, doc_id FROM chunks WHERE id IN ({marks})", chunks))
    return list(dict.fromkeys(doc[c] for c in chunks if c in doc))[:CANDIDATES]


def terms_of(words: str) -> list[str]:
    """The description's words that can tell emails apart, in order (no frame words, no short ones)."""
    return [w.lower() for w in TERM.findall(words) if (len(w) > 2 or w[0].isdigit()) and not is_frame(w)]


def _term_pattern(term: str) -> str:
    """A description word in its forms; a number as written."""
    return word_forms.pattern(term) if term[0].isalpha() else re.escape(term)


def _by_rare_words(store, ids: list[int], words: str) -> list[int]:
    """ids ordered by how much of the description each one's own text holds (see _scores)."""
    scores = _scores(store, ids, words, [], False)
    return sorted(ids, key=lambda i: (-scores[i], ids.index(i)))


def _scores(store, ids: list[int], words: str, soft: list[Constraint], forwarded: bool) -> dict[int, float]:
    """id -> BM25 over these candidates alone (a word's weight is its rarity among them; a long
    email holding every word is weighed down by its length, a short one gains nothing), plus the
    description's word pairs held side by side, plus the people let go that its headers name."""
    seq = terms_of(words)
    terms = set(seq)
    if not ids:
        return {}
    if not terms:
        return {i: 0.0 for i in ids}
    texts = own_texts(store, ids)
    if forwarded:
        quoted = dict(store.conn.execute("SELECT id, quoted FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                                         (f"[{','.join(str(int(i)) for i in ids)}]",)))
    patterns = {t: _term_pattern(t) for t in terms}
    compiled = {t: re.compile(rf"\b{p}\b", re.I) for t, p in patterns.items()}
    tf = {}
    for i in ids:
        own = texts.get(i) or ""
        tf[i] = {t: len(p.findall(own)) + (QUOTED_WEIGHT * len(p.findall(quoted.get(i) or "")) if forwarded else 0)
                 for t, p in compiled.items()}
    length = {i: max(1, len((texts.get(i) or "").split())) for i in ids}
    mean = sum(length.values()) / len(ids)
    df = {t: sum(1 for i in ids if tf[i][t]) for t in terms}
    idf = {t: math.log(1 + (len(ids) - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    norm = {i: 1 - B + B * max(length[i], mean) / mean for i in ids}
    score = {i: sum(idf[t] * tf[i][t] * (K1 + 1) / (tf[i][t] + K1 * norm[i]) for t in terms) for i in ids}
    pairs = {(a, b) for a, b in zip(seq, seq[1:]) if a != b}
    for a, b in pairs:
        together = re.compile(rf"\b{patterns[a]}\W{{1,3}}{patterns[b]}\b", re.I)
        for i in ids:
            if tf[i][a] and tf[i][b] and together.search(texts.get(i) or ""):
                score[i] += (idf[a] + idf[b]) / 2
    top = max(idf.values())
    if soft:
        named = _named(store, ids, soft)
        for i in ids:
            score[i] += top * named.get(i, 0)
    return score


def _named(store, ids: list[int], soft: list[Constraint]) -> dict[int, int]:
    """id -> how many of the people let go its headers name."""
    out: dict[int, int] = {}
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT doc_id, lower(address) FROM participants WHERE doc_id IN ({marks})", ids).fetchall()
    rows += store.conn.execute(f"SELECT id, lower(sender) FROM documents WHERE id IN ({marks})", ids).fetchall()
    for c in soft:
        if c.role not in PEOPLE_ROLES or not c.value:
            continue
        mine = {str(a).split("|")[0].lower() for a in (c.value if isinstance(c.value, list) else [c.value])}
        for i in {d for d, a in rows if a in mine}:
            out[i] = out.get(i, 0) + 1
    return out


def near(scored: list[tuple[dict, float]]) -> list[dict]:
    """The other emails whose words score (nearly) as well as the best one's."""
    if len(scored) < 2 or scored[0][1] <= 0:
        return []
    best = scored[0][1]
    return [r for r, s in scored[1:6] if s >= NEAR * best]


def _fuse(search: list[int], rare: list[int]) -> list[int]:
    """Reciprocal rank fusion of the two orders (rare holds every candidate; one the search did not
    find is ranked after all it found); a tie goes to the email with the rarer words."""
    last = len(search) + 1
    score = {i: 1 / (FUSION_K + (search.index(i) + 1 if i in search else last)) + 1 / (FUSION_K + rare.index(i) + 1)
             for i in rare}
    return sorted(rare, key=lambda i: (-score[i], rare.index(i)))
