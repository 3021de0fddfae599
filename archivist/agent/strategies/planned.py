"""Exact answers from a typed QueryPlan: counts, lists, top-k people, first/last, the peak month,
and header fields of one email described by its content, all from SQLite, no model call.

A plan with words it could not use, a name it could not place or one that could mean several
people is not answered with a figure: the answer says what it could not use.
"""
from __future__ import annotations

import re
from datetime import date
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from archivist import word_forms
from archivist.date_phrases import week_holding
from archivist.agent.question.hours import in_hours
from archivist.agent.question.people import person_key
from archivist.agent.question.plan import BODY_ONLY, PEOPLE_ROLES, Ask, Constraint, QueryPlan, Role, Target
from archivist.agent.strategies.counts_in import files_count, people_count
from archivist.agent.strategies.counting import count_first, first_ids, sender_pairs
from archivist.agent.strategies import described, kinds
from archivist.agent.strategies.metadata import GROUPS, Calendar, MetadataQuery, Select, run_query, subject_variants
from archivist.agent.strategies.readings import by_address, list_instead, mailbox_instead, other_readings, topic_noun_dropped
from archivist.records import Filters
from archivist.store.documents import attachment_names, documents, local_day, local_minutes, mailboxes_of, own_texts, people_of
from archivist.store.filters import MARKED

MAX_CITED = 5
MAX_LISTED = 20


@dataclass
class PlanAnswer:
    text: str
    ids: list[int] = field(default_factory=list)
    result: dict = field(default_factory=dict)  # the structured answer: count, people, date, month, files
    refused: bool = False


def what_blocks(plan: QueryPlan) -> list[str]:
    """Why the plan cannot be answered exactly ([] when it can)."""
    out = []
    if plan.unused:
        out.append("I could not use these words of the question: " + ", ".join(f"'{w}'" for w in plan.unused))
    for c in plan.constraints:
        if c.role in PEOPLE_ROLES and not c.value:
            out.append(f"I could not match '{c.text}' to anyone in this archive")
        elif c.role in (Role.DOMAIN, Role.NOT_DOMAIN) and not c.known:
            out.append(f"no address in this archive is at {c.value}")
    out += [n for n in plan.notes if "which year" in n]
    return out


def describe(plan: QueryPlan) -> str:
    """The constraints applied, in words."""
    parts, domains = [], [c for c in plan.constraints if c.role == Role.DOMAIN]
    for c in plan.constraints:
        if c.role == Role.TOPIC or c.role == Role.DOMAIN and c is not domains[0] or _said_wider(c, plan):
            continue
        shown = c.label or (c.value if isinstance(c.value, str) else ", ".join(c.value or []))
        if c.role == Role.DOMAIN and len(domains) > 1:  # one sender is at one domain: either (plan.py)
            shown = " or ".join(dict.fromkeys(str(d.value) for d in domains))
        if c.role == Role.TEXT:  # the words, and where they were looked for
            shown = f"{c.value}" + (f" ({c.label})" if c.label else " (body or subject)")
        role = c.role.replace('_', ' ')
        shown = shown.removeprefix(role).lstrip(": ")  # a label that names its role already
        parts.append(f"{role}{'' if shown.startswith('= ') else ':'} {shown}")
    return "; ".join(dict.fromkeys(parts)) or "no constraint (the whole archive)"


def _said_wider(c: Constraint, plan: QueryPlan) -> bool:
    """A mailbox said twice, once as what reached its owner ('wrote to Steffes ... in his mailbox'):
    shown once, the way that says more."""
    return c.role == Role.MAILBOX and len(c.label) < max(
        (len(o.label) for o in plan.constraints if o.role == Role.MAILBOX and o.value == c.value and o is not c), default=-1)


def answer_plan(store, plan: QueryPlan, search=None, filters: Filters | None = None) -> PlanAnswer:
    """The exact answer to a metadata plan; filters: the plan's own with the user's options on top."""
    blocks = what_blocks(plan)
    if blocks:
        return PlanAnswer("I can't give an exact answer: " + "; ".join(blocks) + ". Constraints I did read: "
                          + describe(plan) + ".", result={"refused": True, "why": blocks}, refused=True)
    f = filters if filters is not None else plan.filters()
    # 'ERV violation notices': the kind of email, settled against the emails; 'leaving aside the SAP notices'
    for role, settle in ((Role.KIND, kinds.settle), (Role.NOT_KIND, kinds.leave_out)):
        if not plan.of(role):
            continue
        reading = settle(store, plan, f, _rows(store, f, plan=plan))
        plan.notes.append(reading.note)
        if reading.filters is None:
            return PlanAnswer("I can't give an exact answer: " + reading.note + ". Constraints I did read: "
                              + describe(plan) + ".", result={"refused": True, "why": [reading.note]}, refused=True)
        f = reading.filters
    runner = {Ask.COUNT: _count, Ask.LIST: _list, Ask.TOP: _top, Ask.FIRST: _first_last,
              Ask.LAST: _first_last, Ask.PEAK: _peak, Ask.FIELD: _field}[plan.ask]
    got = runner(store, plan, search, f)
    said = [n for n in plan.notes if "which year" not in n]  # how ambiguous parts were read
    got.text += "".join(f"\n\nNote: {n}" for n in said)
    return got


def _rows(store, f: Filters, calendar: Calendar = Calendar.LOCAL, plan: QueryPlan | None = None) -> list[dict]:
    """Matching emails. Body words found by the full-text index are then checked in each email's own
    text (body and subject, not its quoted history: 'mentions X' means the sender wrote X; 'in the
    body': the body alone), and subject words as whole words ('Dynegy' is not 'Dynegydirect')."""
    rows = run_query(store.conn, MetadataQuery(Select.LIST, f, calendar=calendar)).rows
    if plan is not None and f.subject and (closed := closed_compound(f.subject)):  # 'Enron Online': EnronOnline too
        seen = {r["id"] for r in rows}
        more = run_query(store.conn, MetadataQuery(Select.LIST, replace(f, subject=closed), calendar=calendar)).rows
        rows = sorted(rows + [r for r in more if r["id"] not in seen],
                      key=lambda r: (r.get("date") is not None, r.get("date") or "", r["id"]))
    if plan is not None and (days := {d for c in plan.of(Role.WEEKDAY) for d in str(c.value).split(",")}):
        rows = [r for r in rows if _weekday(r) in days]  # an email with no readable day is on no weekday
    for hours in plan.of(Role.HOURS) if plan is not None else []:  # 'between 10pm and 5am', the sender's clock
        rows = [r for r in rows if (t := local_minutes(r.get("date_raw"))) is not None and in_hours(str(hours.value), t)]
    if plan is not None and (form := [str(c.value) for c in plan.of(Role.FORM)]):  # 'forwards', 'replies'
        if wanted := [v for v in form if not v.startswith("not ")]:  # 'forwards or replies': either
            either = {r["id"] for v in wanted for r in kinds.of_form(store, rows, v)}
            rows = [r for r in rows if r["id"] in either]
        for left_out in (v for v in form if v.startswith("not ")):  # "don't count replies or forwards": neither
            rows = kinds.of_form(store, rows, left_out)
    if plan is not None and plan.ask != Ask.TOP and (gone := _excluded(plan)):
        rows = [r for r in rows if (r.get("sender") or "").lower() not in gone]  # 'excluding Sue Mara': not hers
    body_only = plan is not None and any(c.label == BODY_ONLY for c in plan.of(Role.TEXT))
    rows = _mentioning(store, rows, f.text, body_only) if f.text else rows
    if not (f.subject and plan is not None):
        return rows
    sides = mention_patterns(f.subject)  # compiled once, not once a row; 'New Power or NewPower': either side
    return [r for r in rows if any(all(p.search(r["title"] or "") for p in side) for side in sides)]


def _excluded(plan: QueryPlan) -> set[str]:
    """The addresses of the people left out ('excluding Sue Mara'): a ranking drops them, a count
    or list drops the emails they sent."""
    return {a.strip("<>").lower() for c in plan.of(Role.EXCLUDED) for a in _values(c.value) if "@" in a}


def closed_compound(text: str) -> str | None:
    """A name of two or three capitalised words written as one word ('Enron Online' ->
    'EnronOnline'), which the archive may use instead; None for other text."""
    words = re.findall(r"[\w'&-]+", text)
    if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and " or " not in text.lower():
        return "".join(words)
    return None


ESCAPED_HYPHEN, HYPHEN_OR_SPACE = re.escape("-"), r"[\s-]?"
NAME_GAP = r"(?:\s+(?-i:[A-Z][a-z]*\.?)(?=\s)){0,2}[\s-]*"


def mention_patterns(text: str) -> list[list[re.Pattern]]:
    """One list of patterns per 'or' side ('NETCO or UBS'): a name of several capitalised words is
    one phrase ('Enron Field'), other words each anywhere ('Dynegy merger'); a word matches in its
    forms ('merger', 'mergers', 'bankruptcy', 'bankrupt': archivist.word_forms)."""
    out = []
    for side in re.split(r"\s+or\s+|\s*/\s*", text, flags=re.I):
        marked = [re.compile(rf"\b{re.escape(m[1])}\s*\(?\s*{re.escape(m[2])}\s*\)?(?!\w)", re.I)
                  for m in MARKED.finditer(side)]  # '401(k)': also '401k', '401 (k)'
        side = MARKED.sub(" ", side)
        words = [w for w in re.findall(r"[\w'&-]+", side) if re.search(r"\w", w)]  # not a lone '-' or '&'
        if len(words) > 1 and all(w[:1].isupper() or w[:1].isdigit() for w in words):
            gap = NAME_GAP if len(words) > 2 else r"[\s-]*"  # 'EnronOnline' too; 'Assembly Speaker Hertzberg' is
            # also 'Assembly Speaker Robert Hertzberg' (a first name or an initial between a title and a surname)
            words = [gap.join(re.escape(w) for w in words) + word_forms.ENDINGS]
        else:
            words = [word_forms.pattern(w) for w in words]
        if words or marked:  # 'keep-whole' is also written 'keep whole' (as the full-text index reads it)
            out.append([re.compile(rf"\b{w.replace(ESCAPED_HYPHEN, HYPHEN_OR_SPACE)}\b", re.I) for w in words] + marked)
    return out


def _mentioning(store, rows: list[dict], text: str, body_only: bool = False) -> list[dict]:
    sides = mention_patterns(text)
    bodies = own_texts(store, [r["id"] for r in rows], with_title=not body_only)
    return [r for r in rows if any(all(p.search(bodies.get(r["id"], "")) for p in side) for side in sides)]


def _row_checks(f: Filters, plan: QueryPlan) -> bool:
    """Whether _rows reads each matching email (its weekday, the words of its body or subject)."""
    return bool(f.text or f.subject or plan.of(Role.WEEKDAY, Role.FORM, Role.HOURS)) or plan.ask != Ask.TOP and bool(_excluded(plan))


def _counted(store, f: Filters, plan: QueryPlan) -> tuple[int, list[int]]:
    """(matching emails, the ids of the first MAX_CITED): counted in SQL (counting.py) unless
    every email must be read."""
    if _row_checks(f, plan):
        rows = _rows(store, f, plan=plan)
        return len(rows), [r["id"] for r in rows[:MAX_CITED]]
    n, first = count_first(store.conn, MetadataQuery(Select.LIST, f, calendar=Calendar.LOCAL), MAX_CITED)
    return n, [r["id"] for r in first]


def _count(store, plan: QueryPlan, _search, f: Filters) -> PlanAnswer:
    if plan.target != Target.DOCUMENTS:
        return _count_in(store, plan, _rows(store, f, plan=plan))
    n, ids = _counted(store, f, plan)
    recount = lambda g: _counted(store, g, plan)[0]  # noqa: E731
    if not n and (other := mailbox_instead(store, plan, f, recount) or list_instead(store, plan, f, recount)
                  or topic_noun_dropped(plan, f, recount)):
        f, said = other  # 'CERA mailings to Vince': list mail names him in no header; 'from the SMU Betas list'
        plan.notes.append(said)
        n, ids = _counted(store, f, plan)
    refs = " ".join(f"[{i + 1}]" for i in range(len(ids)))
    if not n:
        return PlanAnswer(f"No matching documents ({describe(plan)}; days by the sender's local calendar day).",
                          [], {"count": 0})
    text = f"{n} distinct emails match ({describe(plan)}; days by the sender's local calendar day)."
    result: dict = {"count": n}
    if plan.per is not None:  # 'in each month of 2001': the count of every period that has one
        rows = _rows(store, f, plan=plan)
        per = Counter(_period(_day(r), plan.per) for r in rows if _day(r) != "?")
        unit = {Target.WEEK: "week (Monday to Sunday)", Target.YEAR: "year", Target.QUARTER: "quarter"}.get(plan.per, "month")
        text += f" By {unit}: " + "; ".join(f"{_shown(k, plan.per)}: {v}" for k, v in sorted(per.items())) + \
            (f" ({n - sum(per.values())} with no readable day)" if sum(per.values()) < n else "") + \
            f"; no other {unit.split()[0]} has one."
        result["by"] = dict(sorted(per.items()))
    text += f" First matches: {refs}" + _shown_match(store, ids, f.text)
    plan.notes += other_readings(store, plan, f, n, lambda other: _counted(store, other, plan)[0])
    plan.notes += by_address(store, plan, f)
    return PlanAnswer(text, ids, result)


def _count_in(store, plan: QueryPlan, rows: list[dict]) -> PlanAnswer:
    """The number of people in a role, or of attachments, in the matching emails."""
    if plan.target == Target.ATTACHMENTS:
        text, result = files_count(store, plan, [r["id"] for r in rows], describe(plan))
        return PlanAnswer(text, [r["id"] for r in rows][:MAX_CITED], result)
    if plan.target == Target.DATE:  # 'on how many different days did X send email': the sender's calendar days
        days = sorted({_day(r) for r in rows if _day(r) != "?"})
        text = (f"{len(days)} different days ({describe(plan)}; sender's local calendar days) in {len(rows)} matching "
                f"emails" + (f"; from {days[0]} to {days[-1]}" if days else "") + ".")
        return PlanAnswer(text, [r["id"] for r in rows][:MAX_CITED], {"count": len(days)})
    ranked = _rank(store, plan, _people_in(store, rows, plan.target))
    text, result = people_count(plan, len(rows), ranked, describe(plan))
    return PlanAnswer(text, ranked[0]["docs"][:MAX_CITED] if ranked else [], result)


def _shown_match(store, ids: list[int], words: str | None) -> str:
    """Where the body words matched in the first email ('mentions Dynegy': the words around it)."""
    if not (ids and words):
        return ""
    doc = documents(store, ids[:1], ("title", "body"))[ids[0]]
    text = f"{doc['title'] or ''} — {doc['body']}"
    m = next((found for side in mention_patterns(words) for p in side if (found := p.search(text))), None)
    if m is None:
        return ""
    around = " ".join(text[max(0, m.start() - 60):m.end() + 60].split())
    return f' Match in [1]: "…{around}…"'


def _list(store, plan: QueryPlan, _search, f: Filters) -> PlanAnswer:
    rows = _rows(store, f, plan=plan)
    if plan.target == Target.DATE:  # 'on which days were emails sent in the thread X': every day
        days = sorted({_day(r) for r in rows if _day(r) != "?"})
        firsts = [next(r["id"] for r in rows if _day(r) == d) for d in days][:MAX_CITED]
        if not rows:
            return PlanAnswer(f"No matching emails ({describe(plan)}).", result={"count": 0, "days": []})
        text = (f"{len(rows)} matching emails ({describe(plan)}) were sent on {len(days)} "
                f"day{'s' if len(days) != 1 else ''} (the sender's local calendar day): "
                + ", ".join(f"{d} [{i + 1}]" if i < MAX_CITED else d for i, d in enumerate(days)) + ".")
        return PlanAnswer(text, firsts, {"count": len(rows), "days": days})
    shown = rows[:MAX_LISTED]
    lines = [f"[{i + 1}] {_day(r)} {r['sender'] or '?'}: {r['title'] or ''}" for i, r in enumerate(shown)]
    more = f" (showing {len(shown)})" if len(rows) > len(shown) else ""
    plan.notes += other_readings(store, plan, f, len(rows), lambda other: _counted(store, other, plan)[0])
    return PlanAnswer(f"{len(rows)} matching documents ({describe(plan)}){more}"
                      f"{_shown_match(store, [r['id'] for r in shown], f.text)}:\n" + "\n".join(lines),
                      [r["id"] for r in shown], {"count": len(rows), "doc_ids": [r["id"] for r in shown]})


def _weekday(row: dict) -> str:
    from datetime import date
    day = _day(row)
    return date.fromisoformat(day).strftime("%A").lower() if day != "?" else ""


def _day(row: dict) -> str:
    return local_day(row.get("date_raw"), row.get("date")) or "?"


def _people_of(store, ids: list[int], target: Target) -> list[tuple[int, str, str]]:
    """(doc id, address, name) of the target role in each document."""
    if not ids:
        return []
    if target == Target.SENDER:
        return people_of(store, ids)
    return people_of(store, ids, {Target.CC: ("cc",), Target.BCC: ("bcc",), Target.TO: ("to",)}.get(
        target, ("to", "cc", "bcc")))


def _rank(store, plan: QueryPlan, people) -> list[dict]:
    """People (addresses grouped by person) by the number of matching emails they are target in,
    from (doc, address, name, n) in the order first seen: one a document and person (n = 1), or
    for senders tallied in SQL one an address and name (doc None, n its emails, pair its tally)."""
    from archivist.agent.question.lexicon import lexicon
    lex = lexicon(store)
    groups: dict[str, dict] = {}
    keys: dict[tuple[str, str], str] = {}  # one person_key per (address, name), not per email
    for doc, address, name, n, *pair in people:
        key = address if plan.by_address else keys.get((address, name))
        if key is None:
            key = keys[(address, name)] = person_key(lex, address, name)
        g = groups.setdefault(key, {"docs": set(), "n": 0, "addresses": Counter(), "names": Counter(),
                                    "pairs": []})
        if doc is not None:
            g["docs"].add(doc)
        g["n"], g["pairs"] = g["n"] + n, g["pairs"] + pair
        g["addresses"][address] += n
        if name:
            g["names"][name] += n
    asked = {a.strip("<>") for c in plan.of(*PEOPLE_ROLES, Role.EXCLUDED) for a in _values(c.value) if "|" not in a}
    ranked = [{"name": g["names"].most_common(1)[0][0] if g["names"] else "",
               "n": len(g["docs"]) or g["n"], "addresses": [a for a, _ in g["addresses"].most_common()],
               "docs": sorted(g["docs"]), "pairs": g["pairs"]} for g in groups.values()]
    ranked = [p for p in ranked if not set(p["addresses"]) <= asked]  # not the person asked about
    return sorted(ranked, key=lambda p: (-p["n"], p["addresses"][0]))


def _values(value: str | list[str] | None) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _who(p: dict) -> str:
    shown = ", ".join(p["addresses"][:3]) + (" ..." if len(p["addresses"]) > 3 else "")
    return f"{p['name']} <{shown}>" if p["name"] else f"<{shown}>"


def _ranked(store, plan: QueryPlan, f: Filters) -> tuple[int, list[dict], MetadataQuery | None]:
    """(matching emails, people ranked, the query when senders were tallied in SQL)."""
    if plan.target == Target.SENDER and not _row_checks(f, plan):
        q = MetadataQuery(Select.LIST, f, calendar=Calendar.LOCAL)
        pairs = sender_pairs(store.conn, q)
        people = [(None, p["address"], p["name"], p["n"], p) for p in pairs]
        return sum(p["n"] for p in pairs), _rank(store, plan, people), q
    rows = _rows(store, f, plan=plan)
    if plan.target == Target.MAILBOX:
        return len(rows), _mailboxes_ranked(store, rows), None
    return len(rows), _rank(store, plan, _people_in(store, rows, plan.target)), None


def _mailboxes_ranked(store, rows: list[dict]) -> list[dict]:
    """Mailboxes by the number of matching emails each holds, shown as their custodians (one email
    can be in several mailboxes: each counts it)."""
    from archivist.agent.question.first_names import owner_of
    from archivist.agent.question.lexicon import lexicon
    lex, docs = lexicon(store), defaultdict(set)
    for doc, box in mailboxes_of(store, [r["id"] for r in rows]):
        docs[box].add(doc)
    ranked = []
    for box, ids in docs.items():
        name, identities = owner_of(lex, box) if box in lex.owners else ("", [])
        addresses = [str(a) for a in identities if "@" in str(a) and "|" not in str(a)]  # not a shared address
        ranked.append({"name": f"mailbox {box} ({name})" if name else f"mailbox {box}", "n": len(ids),
                       "addresses": addresses or [box], "docs": sorted(ids), "pairs": []})
    return sorted(ranked, key=lambda p: (-p["n"], p["name"]))


def _people_in(store, rows: list[dict], target: Target) -> list[tuple]:
    """(doc, address, name, 1) for each person in the target role of each matching email."""
    return [(doc, address, name, 1) for doc, address, name in _people_of(store, [r["id"] for r in rows], target)]


def _top(store, plan: QueryPlan, _search, f: Filters) -> PlanAnswer:
    n_rows, ranked, tallied = _ranked(store, plan, f)
    if not ranked and (other := mailbox_instead(store, plan, f, lambda g: _ranked(store, plan, g)[0])):
        f, said = other  # 'which FERC staff member sent the most emails to Jim Steffes': list mail to his mailbox
        plan.notes.append(said)
        n_rows, ranked, tallied = _ranked(store, plan, f)
    if not ranked:
        return PlanAnswer(f"No matching emails ({describe(plan)}).", result={"people": []})
    k = plan.k or min(len(ranked), MAX_LISTED)
    top = ranked[:k]
    what = {Target.SENDER: "senders", Target.CC: "people cc'd", Target.TO: "recipients (To)",
            Target.BCC: "people bcc'd", Target.MAILBOX: "mailboxes (custodians)"}.get(plan.target, "recipients")
    lines = ", ".join(f"{_who(p)} ({p['n']})" for p in top)
    tie = f" (tied with {_who(ranked[k])})" if len(ranked) > k and ranked[k]["n"] == top[-1]["n"] else ""
    ids = top[0]["docs"][:MAX_CITED] if tallied is None else \
        first_ids(store.conn, tallied, top[0]["pairs"], MAX_CITED)
    text = f"Top {what} of {n_rows} matching emails ({describe(plan)}): {lines}{tie} [1]."
    return PlanAnswer(text, ids, {"people": [{"addresses": p["addresses"], "name": p["name"], "n": p["n"]}
                                             for p in top], "count": n_rows})


def _first_last(store, plan: QueryPlan, _search, f: Filters) -> PlanAnswer:
    rows = _rows(store, f, plan=plan)
    if not rows and (other := mailbox_instead(store, plan, f, lambda g: len(_rows(store, g, plan=plan)))):
        f, said = other  # 'the last CERA report to Vince': list mail that reached his mailbox
        plan.notes.append(said)
        rows = _rows(store, f, plan=plan)
    rows = sorted(rows, key=lambda r: (r["date"] or _day(r), r["id"]))  # no UTC date: its day
    if not rows:
        return PlanAnswer(f"No matching emails ({describe(plan)}).", result={})
    row = rows[0] if plan.ask == Ask.FIRST else rows[-1]
    which = "first" if plan.ask == Ask.FIRST else "last"
    base = f"The {which} of {len(rows)} matching emails ({describe(plan)}) was sent on {_day(row)}"
    return _field_of(store, row, plan.target, base + f" by {row['sender_name'] or row['sender']}: "
                                                        f"\"{row['title'] or ''}\" [1].")


def _peak(store, plan: QueryPlan, _search, f: Filters) -> PlanAnswer:
    rows = _rows(store, f, plan=plan)
    period = {r["id"]: _period(_day(r), plan.target) for r in rows if _day(r) != "?"}
    counts = Counter(period.values())
    if not counts:
        return PlanAnswer(f"No matching emails ({describe(plan)}).", result={})
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    (best, n), runner = ranked[0], ranked[1:3]
    ids = [i for i, p in period.items() if p == best][:MAX_CITED]
    others = ", ".join(f"{_shown(k, plan.target)} ({v})" for k, v in runner)
    tie = " (a tie)" if runner and runner[0][1] == n else ""
    text = (f"{_shown(best, plan.target)}{tie}: {n} of {len(rows)} matching emails ({describe(plan)}; sender's "
            f"local calendar days){'; next: ' + others if others else ''} [1].")
    key = {Target.MONTH: "month", Target.WEEK: "week", Target.YEAR: "year", Target.QUARTER: "quarter"}.get(plan.target, "date")
    return PlanAnswer(text, ids, {key: best, "count": n})


def _period(day: str, target: Target) -> str:
    """The day's month ('2001-10'), year, week (its Monday's date) or the day itself."""
    if target == Target.WEEK:
        return week_holding(date.fromisoformat(day))[0].isoformat()
    if target == Target.QUARTER:
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    return day[:{Target.MONTH: 7, Target.YEAR: 4}.get(target, 10)]


def _shown(period: str, target: Target) -> str:
    return f"the week of Monday {period}" if target == Target.WEEK else period


def _field_of(store, row: dict, target: Target, lead: str) -> PlanAnswer:
    """The answer about one email: lead sentence plus the target field from its headers."""
    doc = row["id"]
    if target in (Target.DATE, Target.MONTH):
        return PlanAnswer(lead, [doc], {"date": _day(row), "doc": doc})
    if target == Target.DOCUMENTS:  # the email itself: its day and who sent it ('who was the first to raise X')
        sender = [{"addresses": [row["sender"] and row["sender"].lower()], "name": row["sender_name"] or ""}]
        return PlanAnswer(lead, [doc], {"date": _day(row), "doc": doc, "people": sender})
    if target == Target.ATTACHMENTS:
        files = attachment_names(store, doc)
        said = ", ".join(files) if files else "no attachment named in it"
        return PlanAnswer(f"{lead} Attached: {said}.", [doc], {"files": files, "doc": doc})
    if target == Target.SUBJECT:
        return PlanAnswer(lead, [doc], {"subject": row.get("title") or "", "doc": doc})
    people = _people_of(store, [doc], target)
    seen: dict[str, str] = {}
    for _, address, name in people:
        seen.setdefault(address, name)
    shown = "; ".join(f"{n} <{a}>" if n else a for a, n in seen.items()) or "nobody"
    role = {Target.SENDER: "From", Target.TO: "To", Target.CC: "Cc", Target.BCC: "Bcc"}.get(target, "To/Cc")
    result = {"people": [{"addresses": [a], "name": n} for a, n in seen.items()], "doc": doc}
    if target == Target.TO:  # who else had it, said beside the answer
        cc = {a: n for _, a, n in _people_of(store, [doc], Target.CC)}
        shown += f" (Cc: {'; '.join(cc) or 'nobody'})"
    return PlanAnswer(f"{lead} {role}: {shown}.", [doc], result)


def _field(store, plan: QueryPlan, search, f: Filters) -> PlanAnswer:
    """The one email the constraints describe, and the field asked for from its headers."""
    return described.field_answer(store, plan, search, f)


def _by_subject(store, f: Filters, calendar: Calendar, plan: QueryPlan) -> list[dict]:
    """The emails of a named subject, most exact reading first: the literal title, the normalised
    subject, without list tags, then subjects containing it."""
    from archivist.agent.question.entities import match_subject
    from archivist.agent.question.lexicon import lexicon
    typed = str(plan.of(Role.SUBJECT)[0].value)
    near = match_subject(lexicon(store), typed)  # a misspelt subject: the archive's closest one
    for subject in dict.fromkeys(s for s in (typed, near) if s):
        for ids in subject_variants(store, subject):
            if ids and (rows := _rows(store, replace(f, subject=None, doc_ids=ids), calendar)):
                return rows
    return []


def _one_day(f: Filters) -> bool:
    from datetime import date
    return (date.fromisoformat(f.before[:10]) - date.fromisoformat(f.after[:10])).days <= 1


__all__ = ["GROUPS", "PlanAnswer", "answer_plan", "describe"]
