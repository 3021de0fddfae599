"""Counts of what is in the matching emails rather than of the emails: the different people in a
role ('how many different people did X email': recipients grouped by person, or by address when
the question says addresses) and the attachments ('how many spreadsheets did X send': the files
named in them, of the type asked when one is)."""
from __future__ import annotations

from archivist.agent.question.plan import QueryPlan, Role, Target
from archivist.store.documents import attachment_names
from archivist.store.filters import ATTACHMENT_TYPES

ROLE_WORDS = {Target.SENDER: "senders", Target.CC: "people cc'd", Target.BCC: "people bcc'd",
              Target.TO: "recipients (To)", Target.RECIPIENT: "recipients"}
SHOWN = 5


def people_count(plan: QueryPlan, n_rows: int, ranked: list[dict], constraints: str) -> tuple[str, dict]:
    """(text, result) for the number of different people (or addresses) in the target role."""
    what = ROLE_WORDS.get(plan.target, "people")
    unit = "addresses" if plan.by_address else "people"
    top = ", ".join(f"{p['name'] or p['addresses'][0]} ({p['n']})" for p in ranked[:SHOWN])
    text = (f"{len(ranked)} different {unit} ({what}) in {n_rows} matching emails ({constraints})"
            + (f"; most often: {top}" if top else "") + " [1].")
    return text, {"count": len(ranked)}


def files_count(store, plan: QueryPlan, ids: list[int], constraints: str) -> tuple[str, dict]:
    """(text, result) for the number of attachments named in the emails ids, of the type asked."""
    kinds = [str(c.value) for c in plan.of(Role.ATTACHMENT)]
    suffixes = ATTACHMENT_TYPES.get(kinds[0], ((),))[0] if kinds else ()
    files = [name for i in ids for name in attachment_names(store, i)
             if not suffixes or name.lower().endswith(suffixes)]
    text = f"{len(files)} attachments in {len(ids)} matching emails ({constraints}; each email's files once)."
    return text, {"count": len(files)}
