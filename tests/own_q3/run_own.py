"""Own questions (issue 24, written for i24-q3) with exact answers from SQL: run each through ask and
say OK / XX (a figure that is not the answer) / -- (refused or not a metadata answer).
python tests/own_q3/run_own.py [--db /work/enron.db] [ID ...]"""
import email.utils, json, re, sqlite3, statistics, sys, time
sys.path.insert(0, __file__.rsplit("/tests/", 1)[0])
from archivist.agent.ask import ask
from archivist.config import load_settings
from archivist.store import Store

DB = sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv else "/work/enron.db"


def ld(x):
    try:
        return email.utils.parsedate_to_datetime(x).date().isoformat()
    except Exception:
        return None


def rx(p, s):
    return 1 if s and re.search(p, s, re.I) else 0


con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
con.create_function("ld", 1, ld)
con.create_function("rx", 2, rx)
Q = [json.loads(line) for line in open(__file__.rsplit("/", 1)[0] + "/questions.jsonl") if line.strip()]


def gold(q):
    rows = con.execute(q["sql"]).fetchall()
    k = q["kind"]
    if k == "count":
        return {"count": rows[0][0]}
    if k == "date":
        return {"date": rows[0][0]}
    if k == "month":
        return {"month": rows[0][0]}
    if k == "people":  # rows: (address,) of the top person/people, or the set
        return {"people": [r[0].lower() for r in rows]}
    if k == "peopleset":  # everyone on a line of one email, in any order
        return {"people_set": sorted({r[0].lower() for r in rows})}
    if k == "files":
        return {"files": sorted(r[0].lower() for r in rows)}
    raise ValueError(k)


def ok(g, r):
    if not r or r.get("refused"):
        return False
    if "count" in g:
        return r.get("count") == g["count"] and "people" not in r
    if "date" in g:
        return r.get("date") == g["date"]
    if "month" in g:
        return r.get("month") == g["month"] or (r.get("date") or "")[:7] == g["month"]
    if "files" in g:
        return sorted(f.lower() for f in r.get("files", [])) == g["files"]
    if "people_set" in g:
        got = r.get("people") or []
        return len(got) == len(g["people_set"]) and all(
            any(a in [x.lower() for x in p.get("addresses", [])] for p in got) for a in g["people_set"])
    if "people" in g:
        got = r.get("people") or []
        return len(got) >= len(g["people"]) and all(
            a in [x.lower() for x in p.get("addresses", [])] for a, p in zip(g["people"], got))
    return False


ids = [a for a in sys.argv[1:] if not a.startswith("--") and a != DB]
settings = load_settings(cli={"db": DB, "llm": "echo"})
tally, secs = {"OK": 0, "XX": 0, "--": 0}, []
with Store(DB) as store:
    for q in Q:
        if ids and q["id"] not in ids:
            continue
        g = gold(q)
        t = time.perf_counter()
        res = ask(store, settings, q["question"], log=False)
        secs.append(time.perf_counter() - t)
        r = res.result or {}
        mark = "OK" if ok(g, r) else ("XX" if r and not r.get("refused") and res.strategy == "query" else "--")
        tally[mark] += 1
        print(mark, q["id"], q["question"], "| gold", json.dumps(g)[:80], "|", res.answer[:220].replace("\n", " "),
              flush=True)
print(tally, "median s", round(statistics.median(secs), 3) if secs else 0)
