"""Runs one eval task: every example x strategy through archivist's agent (ask), or the task's own
measure (a search, a structured answer), on corpora built once per task (or the user's own database), scored and stored row by row, so an interrupted run
resumes where it stopped. Progress (with an ETA) goes to on_progress; nothing is printed.

Fixed strategies run with escalation off (rag means rag); `auto` runs as users get it (planner and
escalations); `self-route` (Li et al., 2024) is rag first, then stuff when the rag answer says the
documents do not hold the answer; it reuses the rag and stuff rows of the same example when they
were run, adding their costs, as the paper counts them.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archivist.agent.ask import ask
from archivist.answering.model import Model
from archivist.config import Settings
from archivist.errors import InputError
from archivist.evals.metrics import citation_correct, evidence_recall, is_refusal
from archivist.evals.peak import peak_mb, reset_peak
from archivist.evals.results import Results, now
from archivist.evals.tasks.base import NO_MODEL, Example, Task
from archivist.evals.vocab import STRATEGIES, EvalStrategy
from archivist.progress import Event, OnProgress, Stage, Unit
from archivist.records import Filters
from archivist.store import Store
from archivist.store.documents import documents


@dataclass
class RunConfig:
    """What a run measures (its key: the same config resumes the same run) and how it runs."""

    task: str
    strategies: list[str]
    limit: int | None = None
    lengths: list[int] = field(default_factory=list)
    depths: list[float] = field(default_factory=list)
    data: str | None = None
    seed: int = 13
    max_new_tokens: int = 32
    top_k: int = 3
    memory_tokens: int = 128
    variant: str = ""  # e.g. niah 'multi'
    memory_notes: str = ""  # the memory's notes (extractive, model, both); "": the settings' own

    def key(self) -> str:
        cfg = asdict(self)
        if not cfg["memory_notes"]:  # a run stored before this field resumes under its old key
            del cfg["memory_notes"]
        return hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class RunSummary:
    run_id: int
    task: str
    rows: int  # rows stored now (resumed rows not counted)
    skipped: int  # rows already stored by an earlier, interrupted run
    planned: int
    seconds: float
    status: str  # done | partial (time box reached)


def eval_settings(settings: Settings, cfg: RunConfig) -> Settings:
    notes = {"memory_notes": cfg.memory_notes} if cfg.memory_notes else {}
    return settings.replace(max_new_tokens=cfg.max_new_tokens, top_k=cfg.top_k,
                            memory_tokens=cfg.memory_tokens, seed=cfg.seed, temperature=0.0, **notes)


class Corpus:
    """A corpus store and its document keys (Location.position) <-> ids."""

    def __init__(self, store: Store):
        self.store = store
        # in-memory sources store positions as 'source#key'
        rows = [(p.rsplit("#", 1)[-1], d) for p, d in store.conn.execute("SELECT position, doc_id FROM locations")]
        self.ids = {p: d for p, d in rows}
        self.keys = {d: p for p, d in rows}

    def doc_ids(self, keys: list[str]) -> list[int]:
        return [self.ids[k] for k in keys if k in self.ids]


def build_corpus(task: Task, key: str, workdir: Path, settings: Settings,
                 on_progress: OnProgress | None) -> Store:
    """The task's corpus `key` as a store under workdir, built (and indexed) once."""
    from archivist.corpus.ingest import ingest_documents
    from archivist.retrieval.indexer import index_store
    path = workdir / task.name / f"{key}.db"
    done = path.with_suffix(".ok")
    if done.exists():
        return Store(path)
    for stale in path.parent.glob(f"{key}.db*"):
        stale.unlink()
    store = Store(path)
    ingest_documents(store, task.documents(key), source=f"{task.name}:{key}")
    if task.indexed:
        index_store(store, settings.replace(db=str(path)), on_progress=None)
    done.write_text(now())
    return store


class Pace:
    """Seconds a row takes, measured on this run's rows, to guess whether the next row still fits
    the time box (a niah 8k stuff row can take minutes on a busy machine). A row at a length seen
    before costs what that length's rows of its strategy cost; at a longer one, that scaled
    linearly from the longest shorter length seen (memory and rag read a haystack in time linear
    in it; stuff is attention's quadratic, but past the window `budget` it is refused at once)."""

    def __init__(self, budget: int = 0):
        self.budget = budget
        self.seen: dict[str, list[tuple[int, float, int]]] = {}  # strategy -> (length, seconds, tokens)

    def add(self, strategy: str, row: dict, length: int = 0) -> None:
        if strategy != EvalStrategy.SELF_ROUTE:
            self.seen.setdefault(strategy, []).append((int(length or 0), row["seconds"] or 0.0,
                                                       row["tokens_in"] or 0))

    def guess(self, ex: Example, strategy: str) -> float:
        seen = self.seen.get(strategy)
        if not seen or strategy == EvalStrategy.SELF_ROUTE:
            return 0.0
        length = int(ex.meta.get("length") or 0)
        if strategy == EvalStrategy.STUFF and length and self.budget and length > self.budget * 1.25:
            return 0.0  # past the window: refused with its reason, no model call
        same = [s for n, s, _ in seen if n == length]
        if same:
            return sum(same) / len(same)
        shorter = [(n, s) for n, s, _ in seen if 0 < n < length]
        if shorter:
            n = max(n for n, _ in shorter)
            at = [s for m, s in shorter if m == n]
            factor = length / n
            if strategy == EvalStrategy.STUFF:  # inside the window: attention grows faster
                factor *= (1 + min(length, self.budget or length) / 8192) / (1 + n / 8192)
            return sum(at) / len(at) * factor
        return sum(s for _, s, _ in seen) / len(seen)


class Runner:
    def __init__(self, task: Task, cfg: RunConfig, settings: Settings, results: Results, workdir: Path,
                 model: Model | None = None, on_progress: OnProgress | None = None,
                 max_seconds: float | None = None):
        allowed = task.allowed or STRATEGIES
        bad = [s for s in cfg.strategies if s not in allowed]
        if bad:
            raise InputError(f"unknown strategy {', '.join(bad)}; use {', '.join(allowed)}")
        self.task, self.cfg, self.results, self.workdir = task, cfg, results, workdir
        self.settings = eval_settings(settings, cfg)
        if task.model_free:  # nothing to load; a stray model call would answer from the echo backend
            self.settings, model = self.settings.replace(llm="echo"), None
        self.model = model or Model(self.settings)
        self.on_progress, self.max_seconds = on_progress, max_seconds
        self.corpora: dict[str, Corpus] = {}

    def status(self, message: str, done: int = 0, total: int | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(Event(Stage.EVALUATING, done, total, Unit.EXAMPLES, message))

    def run(self, fresh: bool = False) -> RunSummary:
        info = self.model.info() if self.settings.model.llm == "echo" else self._loaded_info()
        model_name = NO_MODEL if self.task.model_free else self.model.name or self.settings.model.llm
        start = time.perf_counter()  # the time box counts building questions and corpora too
        run = self.results.start(self.cfg.key(), self.task.name, asdict(self.cfg), model_name,
                                 str(info.kind), fresh)
        examples = self.task.examples()
        done = self.results.done(run.id)
        todo = [(ex, s) for ex in examples for s in self.cfg.strategies if (ex.id, s) not in done]
        planned, skipped = len(examples) * len(self.cfg.strategies), len(examples) * len(self.cfg.strategies) - len(todo)
        self.results.plan(run.id, planned)
        stored, status = 0, "done"
        self.status(f"{self.task.name}: {len(examples)} examples x {len(self.cfg.strategies)} strategies, "
                    f"{skipped} rows done before", skipped, planned)
        cache: dict[tuple[str, str], dict] = {}
        try:
            pace = Pace(self.model.budget() if self.task.sized else 0)
            for ex, strategy in todo:
                if self.max_seconds is not None and \
                        time.perf_counter() - start + pace.guess(ex, strategy) > self.max_seconds:
                    status = "partial"  # the next row would end past the time box
                    break
                row = self.example_row(run.id, ex, strategy, cache, model_name, str(info.kind), run.hardware)
                self.results.add(run.id, self.task.name, row)
                pace.add(strategy, row, ex.meta.get("length") or 0)
                stored += 1
                elapsed = time.perf_counter() - start
                eta = elapsed / stored * (len(todo) - stored)
                self.status(f"{self.task.name} {ex.id} {strategy}: score {row['score']:.2f}, "
                            f"{row['tokens_in']} tokens, {row['seconds']:.1f}s; ETA {eta / 60:.1f} min",
                            skipped + stored, planned)
        except BaseException:
            self.results.finish(run.id, "interrupted", time.perf_counter() - start)
            raise
        finally:
            for c in self.corpora.values():
                if c.store is not None and self.task.database() is None:
                    c.store.close()
        seconds = time.perf_counter() - start
        self.results.finish(run.id, status, seconds)
        return RunSummary(run.id, self.task.name, stored, skipped, planned, round(seconds, 1), status)

    def _loaded_info(self):
        self.status(f"loading the model ({self.settings.model.llm})")
        self.model.llm()
        return self.model.info()

    def corpus(self, key: str) -> Corpus:
        if key not in self.corpora:
            db = self.task.database()
            if db is not None:
                store = self.corpora["__db__"].store if "__db__" in self.corpora else Store(db)
            else:
                self._close_corpora()
                self.status(f"{self.task.name}: building corpus {key}")
                store = build_corpus(self.task, key, self.workdir, self.settings, self.on_progress)
            self.corpora[key] = Corpus(store)
        return self.corpora[key]

    def _close_corpora(self) -> None:
        """One built corpus open at a time: each open store keeps its connection's page cache (up to
        WRITE_CACHE_MB), so 30 niah haystacks held open made a row's peak memory grow with the run,
        not with its own length; so did the exact-search matrix, FAISS index and lexicon this process
        loaded from each. A corpus needed again is reopened (built once, store/.ok)."""
        from archivist.agent.question import lexicon
        from archivist.retrieval import faiss_index, matrix
        for key in list(self.corpora):
            store = self.corpora.pop(key).store
            store.close()
            for path in {str(store.path), str(Path(store.path).resolve())}:  # and what was loaded from it
                matrix.forget(path)
                faiss_index.forget(path)
                lexicon.forget(path)

    def example_row(self, run_id: int, ex: Example, strategy: str, cache: dict, model: str,
                    kind: str, hardware: str) -> dict:
        base = {"example_id": ex.id, "strategy": strategy, "model": model, "backend_kind": kind,
                "hardware": hardware, "created_at": now(), "question": ex.question, "gold": ex.answers,
                "answerable": int(ex.answerable), "meta": ex.meta}
        if strategy == EvalStrategy.SELF_ROUTE:
            return {**base, **self.self_route(run_id, ex, cache)}
        return {**base, **self.answer(run_id, ex, strategy, cache)}

    def answer(self, run_id: int, ex: Example, strategy: str, cache: dict) -> dict:
        """One strategy's scored answer (cached per example, reused by self-route)."""
        if (ex.id, strategy) in cache:
            return cache[(ex.id, strategy)]
        stored = self.results.get(run_id, ex.id, strategy)
        if stored is not None:
            return {k: stored[k] for k in ("answer", "chosen", "score", "scores", "tokens_in", "tokens_out",
                                           "llm_calls", "seconds", "peak_mb", "error")}
        corpus = self.corpus(ex.corpus)
        keys = ex.scope(strategy)
        override = Filters(doc_ids=corpus.doc_ids(keys)) if keys else None
        settings = self.settings if strategy == EvalStrategy.AUTO else self.settings.replace(max_escalations=0)
        if self.task.database() is None:  # a reading saved by another run would make memory look cheap
            with corpus.store.conn:
                corpus.store.conn.execute("DELETE FROM memory_states")
        reset_peak()
        t0 = time.perf_counter()
        try:
            out = self.task.measure(corpus, settings, ex, strategy) or self.scored(ex, corpus, ask(
                corpus.store, settings, ex.question, strategy=strategy, llm=self.model, override=override,
                log=False))
        except Exception as exc:  # a crash is a wrong answer, kept with its reason
            out = {"answer": "", "chosen": "", "score": 0.0, "scores": {}, "tokens_in": 0, "tokens_out": 0,
                   "llm_calls": 0, "seconds": round(time.perf_counter() - t0, 3), "peak_mb": peak_mb(),
                   "error": f"{type(exc).__name__}: {exc}"}
        else:
            out["seconds"], out["peak_mb"] = round(time.perf_counter() - t0, 3), peak_mb()
        cache[(ex.id, strategy)] = out
        return out

    def scored(self, ex: Example, corpus: Corpus, res) -> dict:
        answer = res.answer.split("\n\nNote:")[0]
        if res.attempts and all(a.get("not_run") for a in res.attempts):  # e.g. stuff past the window
            return {"answer": res.answer, "chosen": res.strategy, "score": 0.0, "scores": {"not_run": 1.0},
                    "tokens_in": res.tokens_in, "tokens_out": res.tokens_out, "llm_calls": res.llm_calls,
                    "error": None}
        score, scores = self.task.score(ex, answer)
        cited = [c["doc_id"] for c in res.citations]
        evidence = set(self.task.evidence_of(ex))
        if evidence:
            scores["evidence_recall"] = evidence_recall({corpus.keys.get(d, "") for d in cited}, evidence)
        cols = ("body", "title", "sender", "sender_name")
        rows = documents(corpus.store, cited, cols) if cited and ex.answerable else {}
        cc = citation_correct([" ".join(str(r.get(c) or "") for c in cols) for r in rows.values()], ex.answers)
        if cc is not None:
            scores["citation_correct"] = cc
        return {"answer": res.answer, "chosen": res.strategy, "score": round(float(score), 4), "scores": scores,
                "tokens_in": res.tokens_in, "tokens_out": res.tokens_out, "llm_calls": res.llm_calls,
                "error": None}

    def self_route(self, run_id: int, ex: Example, cache: dict) -> dict:
        """rag; when its answer is a refusal, stuff too (costs added)."""
        rag = self.answer(run_id, ex, EvalStrategy.RAG, cache)
        if not is_refusal(rag["answer"]):
            return {**rag, "chosen": EvalStrategy.RAG}
        stuff = self.answer(run_id, ex, EvalStrategy.STUFF, cache)
        out = dict(stuff)
        for k in ("tokens_in", "tokens_out", "llm_calls", "seconds"):
            out[k] = (rag[k] or 0) + (stuff[k] or 0)
        out["peak_mb"] = max(rag["peak_mb"] or 0, stuff["peak_mb"] or 0)
        out["chosen"] = "rag->stuff"
        return out
