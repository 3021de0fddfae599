"""The emails around one email a question describes (strategies/described.py found it): the
replies to it, for 'who replied first', and the same memo sent separately to others, for who it
went to. A reply is one of the later emails of its thread (corpus/threads.py links a reply by its
quoted header) or, where the thread missed one (a reply quoting a forward of it), a later email
whose subject is the same after a 'RE:' or 'FW:', within REPLY_WINDOW. Only someone else's answer
counts: its own sender writing again on it is no reply to it.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from archivist.agent.question.plan import Target

FORWARD = re.compile(r"\s*(?:fwd?|fw)\s*:", re.I)
REPLY_WINDOW = timedelta(days=30)  # a reply found by its subject alone comes within a month
COLUMNS = "id, title, sender, sender_name, date, date_raw"


def replies_to(store, row: dict, limit: int = 5) -> list[dict]:
    """The replies to the email of row by others than its sender, earliest first."""
    got = store.query(f"SELECT {COLUMNS}, thread_id, norm_subject FROM documents WHERE id = ?", (row["id"],))
    if not got or not got[0]["date"]:
        return []
    original = got[0]
    sender, when = (original["sender"] or "").lower(), original["date"]
    until = (datetime.fromisoformat(when) + REPLY_WINDOW).isoformat()
    found: dict[int, dict] = {}
    if original["thread_id"] is not None:
        for r in store.query(f"SELECT {COLUMNS} FROM documents WHERE thread_id = ? AND date > ? ORDER BY date LIMIT 50",
                             (original["thread_id"], when)):
            found[r["id"]] = r
    if original["norm_subject"]:
        for r in store.query(f"SELECT {COLUMNS} FROM documents WHERE norm_subject = ? AND date > ? AND date <= ? "
                             "AND title != coalesce(?, '') ORDER BY date LIMIT 50",
                             (original["norm_subject"], when, until, original["title"])):
            found.setdefault(r["id"], r)
    others = [r for r in found.values() if (r["sender"] or "").lower() != sender]
    return sorted(others, key=lambda r: (r["date"], r["id"]))[:limit]


def with_twins(store, got, best: dict, also: list[dict], target: Target):
    """The recipients of one memo sent as several emails (same subject, sender and day, each to
    someone else: 'Drug Test for UBS' to each person who had not taken it): all of them, said."""
    from archivist.agent.strategies import planned as P
    if target not in (Target.TO, Target.CC, Target.BCC, Target.RECIPIENT) or "people" not in got.result:
        return got
    twins = [r for r in also if (r["title"], r["sender"], P._day(r)) == (best["title"], best["sender"], P._day(best))]
    have = {a for p in got.result["people"] for a in p["addresses"]}
    added = []
    for twin in twins:
        for _, address, name in P._people_of(store, [twin["id"]], target):
            if address not in have:
                have.add(address)
                added.append({"addresses": [address], "name": name})
    if added:
        got.result["people"] += added
        got.text += (f" It was sent as {len(twins) + 1} separate emails that day, the other{'s' if len(twins) > 1 else ''} to: "
                     + "; ".join(f"{p['name']} <{p['addresses'][0]}>" if p["name"] else p["addresses"][0] for p in added) + ".")
    return got


def first_reply(store, best: dict, lead: str, also: list[dict], first_only: bool = True):
    """'Who replied first': the sender of the earliest reply to the email found, citing both;
    'who replied to it' (first_only False): everyone who did, earliest first; no name when the
    archive holds no reply to it."""
    from archivist.agent.strategies import planned as P
    replies = replies_to(store, best, limit=50 if not first_only else 5)
    if not replies:
        return P.PlanAnswer(f"{lead} No reply to it by anyone else is in the archive.", [best["id"]], result={})
    answers = [r for r in replies if not FORWARD.match(r["title"] or "")]  # a forward passes it on, answers nothing
    if not first_only and answers:
        return _all_replies(best, lead, also, answers)
    first = replies[0]
    who = f"{first['sender_name']} <{first['sender']}>" if first["sender_name"] else first["sender"]
    n = len(replies) - 1
    later = f" {n} later repl{'ies' if n > 1 else 'y'} by others, the next [3]." if n else ""
    ids = [best["id"], first["id"]] + ([replies[1]["id"]] if len(replies) > 1 else [])
    result = {"people": [{"addresses": [first["sender"]], "name": first["sender_name"] or ""}], "doc": first["id"],
              "replied_to": best["id"]}
    if also:
        result["others"] = [r["id"] for r in also]
    return P.PlanAnswer(f"{lead} First reply: \"{first['title'] or ''}\" from {who}, {P._day(first)} [2].{later}",
                        ids, result)


def _all_replies(best: dict, lead: str, also: list[dict], replies: list[dict]):
    """Everyone who replied to the email found, each once, in the order of their first reply."""
    from archivist.agent.strategies import planned as P
    people: dict[str, dict] = {}
    for r in replies:
        people.setdefault(r["sender"].lower(), {"addresses": [r["sender"]], "name": r["sender_name"] or "", "doc": r["id"]})
    shown = [p for p in people.values()][:P.MAX_CITED - 1]
    said = "; ".join(f"{p['name']} <{p['addresses'][0]}> [{n}]" if p["name"] else f"{p['addresses'][0]} [{n}]"
                     for n, p in enumerate(shown, 2))
    result = {"people": [{"addresses": p["addresses"], "name": p["name"]} for p in people.values()],
              "replied_to": best["id"]}
    if also:
        result["others"] = [r["id"] for r in also]
    text = (f"{lead} {len(people)} {'people' if len(people) > 1 else 'person'} replied to it "
            f"({len(replies)} repl{'ies' if len(replies) > 1 else 'y'}): {said}.")
    return P.PlanAnswer(text, [best["id"]] + [p["doc"] for p in shown], result)
