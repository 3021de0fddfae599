"""Settings: every knob a declared, typed field with its default, env variable and one-line doc,
in sections by concern (store, embedding, ingest, retrieval, model, answer, memory); a field's name
is unique across sections, so the outside world names it flat (top_k, ARCHIVIST_TOP_K, --top-k).

Precedence: CLI option > environment variable ARCHIVIST_<FIELD> > config file > preset > default.
The config file is TOML whose top-level keys are field names (or [section] tables of them):
$ARCHIVIST_CONFIG (set but empty: no file), else $XDG_CONFIG_HOME/archivist/config.toml (default
~/.config/archivist/config.toml).
`archivist config show` prints every effective value and where it came from (explain_settings).
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from archivist.backends.settings import EmbeddingSettings, ModelSettings
from archivist.errors import ConfigError
from archivist.knobs import knob
from archivist.records import PlannerKind

DEFAULT_DB = "archivist.db"


@dataclass
class StoreSettings:
    """The database and how it is shared and read."""

    db: str = knob(DEFAULT_DB, "SQLite database file, one per corpus")
    lock_wait: float = knob(600.0, "seconds a writer waits for another writer of the same "
                            "database before giving up")
    calendar: str = knob("local", "how metadata counts read a day; local: the sender's calendar",
                         ("utc", "local", "either"))


@dataclass
class IngestSettings:
    """How ingest and indexing share the work with a second process, and what a re-read source
    leaves behind."""

    read_process: str = knob("auto", "ingest parses sources in a second process while storing; "
                             "auto: with 2+ cores and 4 MB+ to read", ("auto", "on", "off"))
    chunk_process: str = knob("auto", "indexing chunks and tokenizes in a second process while "
                              "storing the chunks; auto: with 2+ cores and 2,000+ documents to chunk",
                              ("auto", "on", "off"))
    keep_history: bool = knob(True, "a document edited or deleted at its source leaves search; "
                              "keep its last version in the history table (`archivist history`)")


@dataclass
class RetrievalSettings:
    """Chunking, the vector index and hybrid fusion."""

    chunk_tokens: int = knob(200, "chunk size in embedder tokens")
    chunk_overlap: int = knob(32, "tokens shared by consecutive chunks of a document")
    index_kind: str = knob("auto", "FAISS index; auto: flat below index_exact_below vectors, then "
                           "HNSW, then IVF", ("auto", "flat", "ivf", "hnsw"))
    # flat 10k vectors: 2.3 ms a query, 37k: 10.5 ms; HNSW 37k: 0.14 ms
    index_exact_below: int = knob(10_000, "vector count below which index_kind=auto searches exactly")
    # tuned on HotpotQA and Enron: see RRF_K in archivist/retrieval/search.py
    rrf_k: float = knob(5.0, "reciprocal-rank fusion constant k of hybrid search")
    dense_weight: float = knob(1.0, "weight of the dense ranking in hybrid fusion")
    bm25_weight: float = knob(2.0, "weight of the BM25 ranking in hybrid fusion")
    subject_weight: float = knob(3.0, "weight of the subject-match ranking (a subject typed into "
                                 "the query) in hybrid and BM25 fusion")
    top_k: int = knob(8, "documents retrieved per question")


@dataclass
class AnswerSettings:
    """The agent: planning a strategy, the prompt budget, escalation and confirmation."""

    planner: str = knob(PlannerKind.RULES.value, "what picks the strategy",
                        (PlannerKind.RULES.value, PlannerKind.LLM.value))
    context_tokens: int = knob(0, "prompt budget; 0: the context window minus the answer budget")
    max_escalations: int = knob(2, "broader strategies tried after a 'not found' answer")
    confirm_seconds: float = knob(180.0, "ask before a run estimated above this many seconds "
                                  "(interactive terminals; --yes skips the question)")
    prefill_tps: float = knob(0.0, "prompt tokens/s for the planner; 0: its per-model-kind table")
    decode_tps: float = knob(0.0, "generated tokens/s for the planner; 0: its per-model-kind table")


@dataclass
class MemorySettings:
    """The memory strategy, summaries and SSM state reading."""

    memory_tokens: int = knob(512, "bound on the rolling memory's state in tokens")
    # the 135M default writes almost no cited note (needle recall 0.06 with model notes alone)
    memory_notes: str = knob("both", "what the rolling memory keeps from each chunk: extractive (the "
                             "sentences that best match the question, cited by construction; no model "
                             "call until the answer), model (the model's cited notes) or both",
                             ("extractive", "model", "both"))
    summary_tokens: int = knob(0, "document tokens one summary call reads; 0: the model's budget "
                               "(larger groups are split and their parts combined)")
    summary_writer: str = knob("auto", "who writes summary overviews: model, extractive (the documents' "
                               "own sentences, no model call) or auto (the model only when its sentences "
                               "pass the grounding check at summary_min_pass or better, measured in this "
                               "store or in a probe of the run's first groups)",
                               ("auto", "model", "extractive"))
    summary_min_pass: float = knob(0.5, "share of a model's summary sentences that must pass the "
                                   "grounding check for summary_writer=auto to use it")
    concurrency: int = knob(1, "model calls in flight at once when summarising (OpenAI-compatible "
                            "servers; local models run one at a time)")
    batch_size: int = knob(0, "groups per model call when summarising with local transformers "
                           "(one left-padded batch); 0: auto, 8 on CUDA, 1 on CPU; other backends "
                           "run one call per group")
    max_memory_chunks: int = knob(400, "most chunks the memory strategy reads")
    max_seconds: float = knob(900.0, "the memory strategy is infeasible when estimated above this")
    ssm_keep_snapshots: int = knob(0, "SSM state snapshots `memory read` keeps per group: the last N; "
                                      "0: one after every document")


@dataclass
class Settings:
    """Every tunable of archivist in sections by concern (settings.model.llm, settings.retrieval.top_k);
    field names are unique across sections and double as ARCHIVIST_<NAME> env variables."""

    store: StoreSettings = field(default_factory=StoreSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with fields changed by their flat names (top_k=3), each in its own section."""
        unknown = sorted(set(changes) - SECTION_OF.keys())
        if unknown:
            raise TypeError(f"Settings has no field(s) {', '.join(unknown)}")
        sections: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            sections.setdefault(SECTION_OF[name], {})[name] = value
        return dataclasses.replace(self, **{s: dataclasses.replace(getattr(self, s), **c)
                                            for s, c in sections.items()})

    def flat(self) -> dict[str, Any]:
        """Every field by its flat name (the view env variables and the config file give)."""
        return {name: getattr(getattr(self, section), name) for name, section in SECTION_OF.items()}


PRESETS: dict[str, dict[str, Any]] = {
    "cpu": {},
    "gpu": {"device": "cuda", "llm": "transformers", "embed_batch": 256, "max_new_tokens": 256},
    "server": {"llm": "openai", "llm_base_url": "http://127.0.0.1:8000/v1", "planner": "llm"},
    "test": {"llm": "echo", "embedder": "minilm"},
}
SECTIONS: dict[str, type] = {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]


def setting_fields() -> list[dataclasses.Field]:
    """Every knob of every section, in declared order (the flat view: env, config file, CLI)."""
    return [f for section in SECTIONS.values() for f in fields(section)]


FIELDS = {f.name: f for f in setting_fields()}
SECTION_OF = {f.name: s for s, section in SECTIONS.items() for f in fields(section)}
CLI_FLAGS = {"llm_model": "--model", "llm_base_url": "--base-url"}  # else --<field-name>
_BOOLS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
_TYPES = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}
_TYPE_WORDS = {"bool": "a boolean (1/0, true/false, yes/no)", "int": "an integer",
               "float": "a number", "str": "a string"}


def env_name(name: str) -> str:
    return f"ARCHIVIST_{name.upper()}"


def cli_flag(name: str) -> str:
    return CLI_FLAGS.get(name, "--" + name.replace("_", "-"))


def _typed(kind: str, value: Any) -> Any:
    """`value` as a `kind`; text (env, CLI) is parsed. ValueError/KeyError/TypeError when not."""
    if isinstance(value, str) and kind != "str":
        text = value.strip()
        return _BOOLS[text.lower()] if kind == "bool" else int(text) if kind == "int" else float(text)
    # bool is an int to Python, never to a user: `threads = true` is a mistake
    if not isinstance(value, _TYPES[kind]) or (kind != "bool" and isinstance(value, bool)):
        raise TypeError(kind)
    return float(value) if kind == "float" else value


def _allowed(value: str, choices: tuple[str, ...]) -> bool:
    """value is a choice; a choice ending in ':N' stands for any number there (cuda:1)."""
    return any(re.fullmatch(re.escape(c[:-1]) + r"\d+", value) if c.endswith(":N") else value == c
               for c in choices)


def coerce(name: str, value: Any, where: str) -> Any:
    """Setting `name`'s value checked for its type and choices; `where` says who gave it."""
    f = FIELDS[name]
    try:
        value = _typed(f.type, value)
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{where}: {name}={value!r} is not {_TYPE_WORDS[f.type]}") from None
    choices = f.metadata["choices"]
    if choices and not _allowed(value, choices):
        shown = ", ".join(c or "'' (empty)" for c in choices)
        raise ConfigError(f"{where}: {name}={value!r} is not one of: {shown}")
    return value


def config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The config file: $ARCHIVIST_CONFIG (empty: none), else the XDG location (may be absent).
    Read from `environ` like the variables, so an explicit empty environment has no file."""
    environ = os.environ if environ is None else environ
    if "ARCHIVIST_CONFIG" in environ:
        return Path(environ["ARCHIVIST_CONFIG"]).expanduser() if environ["ARCHIVIST_CONFIG"] else None
    home = environ.get("HOME")
    base = environ.get("XDG_CONFIG_HOME") or (home and str(Path(home) / ".config"))
    return Path(base) / "archivist" / "config.toml" if base else None


def read_config(environ: Mapping[str, str] | None = None) -> tuple[Path | None, dict[str, Any]]:
    """(path, top-level table) of the config file; a missing default file is an empty table."""
    environ = os.environ if environ is None else environ
    path = config_path(environ)
    if path is None or (not path.exists() and "ARCHIVIST_CONFIG" not in environ):
        return None, {}
    try:
        import tomllib  # Python 3.11+
        with path.open("rb") as fh:
            return path, tomllib.load(fh)
    except ImportError as exc:
        raise ConfigError(f"config file {path}: reading TOML needs Python 3.11+") from exc
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from exc


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Settings given as non-empty ARCHIVIST_<FIELD> environment variables (raw text)."""
    environ = os.environ if environ is None else environ
    return {n: environ[env_name(n)] for n in FIELDS if environ.get(env_name(n), "") != ""}


Sourced = dict[str, tuple[Any, str]]  # field -> (value, source)


def flat_table(table: Mapping[str, Any]) -> dict[str, Any]:
    """The config file's settings by flat name: top-level keys, and the keys of [section] tables
    ([retrieval] top_k = 3); a key under the wrong section stays unknown (model.top_k)."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if key in SECTIONS and isinstance(value, dict):
            flat.update({k if SECTION_OF.get(k) == key else f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def _layer(values: Mapping[str, Any], source: Callable[[str], str],
           where: Callable[[str], str]) -> Sourced:
    """One precedence layer checked: known names, right types, allowed choices."""
    unknown = sorted(set(values) - FIELDS.keys())
    if unknown:
        raise ConfigError(f"{where(unknown[0])}: unknown setting(s) {', '.join(unknown)} "
                          f"(`archivist config show` lists them)")
    return {n: (coerce(n, v, where(n)), source(n)) for n, v in values.items()}


def _infer_llm(merged: Sourced) -> None:
    """One flag is enough: a server URL or a model path picks its backend unless llm was given."""
    if merged["llm"][1] != "default":
        return
    for flag, llm in (("llm_base_url", "openai"), ("llm_model", "transformers")):
        if merged[flag][0]:
            merged["llm"] = (llm, f"{merged[flag][1]} via {flag}")
            return


def resolve(preset: str | None = None, cli: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> Sourced:
    """Every field's (value, source): default < preset < config file < env < CLI (None: not given)."""
    environ = os.environ if environ is None else environ
    preset = preset or environ.get("ARCHIVIST_PRESET") or "cpu"
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    path, table = read_config(environ)
    merged: Sourced = {n: (f.default, "default") for n, f in FIELDS.items()}
    merged.update(_layer(PRESETS[preset], lambda n: f"preset:{preset}", lambda n: f"preset {preset}"))
    merged.update(_layer(flat_table(table), lambda n: f"config:{path}", lambda n: f"config file {path}"))
    merged.update(_layer(env_overrides(environ), lambda n: f"env:{env_name(n)}", env_name))
    given = {k: v for k, v in (cli or {}).items() if v is not None}
    merged.update(_layer(given, lambda n: "cli", lambda n: f"option {cli_flag(n)}"))
    _infer_llm(merged)
    return merged


def load_settings(preset: str | None = None, cli: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Merge default < preset < config file < env < CLI (CLI values of None mean 'not given')."""
    values = {name: value for name, (value, _) in resolve(preset, cli, environ).items()}
    return Settings(**{s: section(**{f.name: values[f.name] for f in fields(section)})
                       for s, section in SECTIONS.items()})


def explain_settings(preset: str | None = None, cli: Mapping[str, Any] | None = None,
                     environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Per field: name, effective value (secrets masked), source, env variable, doc, choices."""
    rows = []
    for name, (value, source) in resolve(preset, cli, environ).items():
        meta = FIELDS[name].metadata
        rows.append({"name": name, "value": "***" if meta["secret"] and value else value,
                     "source": source, "env": env_name(name), "doc": meta["doc"],
                     "choices": list(meta["choices"])})
    return rows


def db_path(settings: Settings) -> Path:
    return Path(settings.store.db).expanduser().resolve()
