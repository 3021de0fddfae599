"""Settings: every knob a declared, typed field with its default, env variable and one-line doc.

Precedence: CLI option > environment variable ARCHIVIST_<FIELD> > config file > preset > default.
The config file is TOML whose top-level keys are field names: $ARCHIVIST_CONFIG (set but empty: no
file), else $XDG_CONFIG_HOME/archivist/config.toml (default ~/.config/archivist/config.toml).
`archivist config show` prints every effective value and where it came from (explain_settings).
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from archivist.errors import ConfigError

DEFAULT_DB = "archivist.db"
# the names archivist.backends.registry.LLM_MODULES can build
LLMS = ("smollm2", "transformers", "onnx", "openai", "echo", "llamacpp")


def knob(default: Any, doc: str, choices: tuple[str, ...] = (), secret: bool = False) -> Any:
    """A settings field with its one-line doc and, when it takes one of a fixed set, the choices."""
    return field(default=default, repr=not secret,
                 metadata={"doc": doc, "choices": choices, "secret": secret})


@dataclass
class Settings:
    """Every tunable of archivist; field names double as ARCHIVIST_<NAME> env variables."""

    db: str = knob(DEFAULT_DB, "SQLite database file, one per corpus")
    # embeddings
    embedder: str = knob("minilm", "embedding model: registry name, local model dir or hub id")
    embed_batch: int = knob(64, "texts per embedding batch")
    embed_precision: str = knob("auto", "embedding precision; auto: int8 ONNX on CPU when possible, "
                                "fp32 on CUDA", ("auto", "fp32", "bf16", "int8"))
    # whole Enron on 2 cores: a vector for every chunk takes 694 s (21 messages/s); one lead
    # vector a message of 40 tokens ~90 s, and HotpotQA hybrid both@10 stays 0.89 (48 / 40 / 64
    # tokens: bench/results/embed_candidates_lead.json)
    embed_scope: str = knob("auto", "which chunks get a dense vector: chunks (every chunk), lead (one "
                            "a document: its subject and the first embed_lead_tokens tokens of its "
                            "first chunk; BM25 still indexes every chunk); auto: lead on CPU, "
                            "chunks on CUDA or for a store that holds per-chunk vectors",
                            ("auto", "chunks", "lead"))
    embed_lead_tokens: int = knob(40, "tokens of a document's lead vector (embed_scope=lead), [CLS] "
                                  "and [SEP] included")
    # ingest
    read_process: str = knob("auto", "ingest parses sources in a second process while storing; "
                             "auto: with 2+ cores and 4 MB+ to read", ("auto", "on", "off"))
    chunk_process: str = knob("auto", "indexing chunks and tokenizes in a second process while "
                              "storing the chunks; auto: with 2+ cores and 2,000+ documents to chunk",
                              ("auto", "on", "off"))
    # chunking, index and fusion
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
    # llm
    llm: str = knob("smollm2", "LLM backend", LLMS)
    llm_model: str = knob("", "local path, GGUF file or hub id; the model name for openai")
    # onnx int8 decodes SmolLM2-135M in a quarter of transformers' CPU time per token, but its
    # answers differ: the demo's room question gets an ungrounded one (bench/latency.py, README)
    runtime: str = knob("transformers", "what runs the smollm2 default; onnx: onnxruntime-genai "
                        "(an int8 export, built once); auto: onnx when installed and the device is "
                        "not CUDA", ("transformers", "onnx", "auto"))
    onnx_precision: str = knob("int8", "weights of the smollm2 ONNX export; int4 decodes ~1.4x "
                               "faster but changes more answers", ("int8", "int4"))
    llm_base_url: str = knob("", "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    llm_api_key: str = knob("", "API key of the OpenAI-compatible server", secret=True)
    llm_timeout: float = knob(120.0, "seconds an HTTP LLM request may take")
    device: str = knob("auto", "where models run; auto: CUDA when available",
                       ("auto", "cpu", "cuda", "cuda:N"))
    context_window: int = knob(0, "LLM context window in tokens; 0: the backend's own "
                               "(echo 2048, llamacpp 8192, the model's config, the server's)")
    threads: int = knob(0, "CPU threads of a local LLM; 0: the library default")
    gguf_file: str = knob("", "GGUF file to load when llm_model is a directory or hub id")
    offline: bool = knob(False, "load local or cached transformers models only, never download")
    decode: str = knob("auto", "transformers decoding; auto: static-cache loop for attention models "
                       "on CUDA, generate: HF generate", ("auto", "static", "generate"))
    model_kind: str = knob("", "transformers model family; empty: detect from the model config",
                           ("", "attention", "ssm", "hybrid"))
    # a naive (kernel-less) SSM scan on CUDA materialises per-token states: memory blows up
    ssm_naive_max_tokens: int = knob(8192, "longest prompt for an SSM on CUDA without fused kernels")
    ssm_keep_snapshots: int = knob(0, "SSM state snapshots `memory read` keeps per group: the last N; "
                                      "0: one after every document")
    max_new_tokens: int = knob(160, "answer budget in tokens")
    temperature: float = knob(0.0, "sampling temperature; 0: greedy")
    seed: int = knob(0, "sampling seed")
    # agent
    planner: str = knob("rules", "what picks the strategy", ("rules", "llm"))
    top_k: int = knob(8, "documents retrieved per question")
    context_tokens: int = knob(0, "prompt budget; 0: the context window minus the answer budget")
    memory_tokens: int = knob(512, "bound on the rolling memory's state in tokens")
    max_escalations: int = knob(2, "broader strategies tried after a 'not found' answer")
    summary_tokens: int = knob(0, "document tokens one summary call reads; 0: the model's budget "
                               "(larger groups are split and their parts combined)")
    concurrency: int = knob(1, "model calls in flight at once when summarising (OpenAI-compatible "
                            "servers; local models run one at a time)")
    batch_size: int = knob(0, "groups per model call when summarising with local transformers "
                           "(one left-padded batch); 0: auto, 8 on CUDA, 1 on CPU; other backends "
                           "run one call per group")
    max_memory_chunks: int = knob(400, "most chunks the memory strategy reads")
    max_seconds: float = knob(900.0, "the memory strategy is infeasible when estimated above this")
    prefill_tps: float = knob(0.0, "prompt tokens/s for the planner; 0: its per-model-kind table")
    decode_tps: float = knob(0.0, "generated tokens/s for the planner; 0: its per-model-kind table")
    confirm_seconds: float = knob(180.0, "ask before a run estimated above this many seconds "
                                  "(interactive terminals; --yes skips the question)")
    # reliability
    lock_wait: float = knob(600.0, "seconds a writer waits for another writer of the same "
                            "database before giving up")
    calendar: str = knob("local", "how metadata counts read a day; local: the sender's calendar",
                         ("utc", "local", "either"))

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)


PRESETS: dict[str, dict[str, Any]] = {
    "cpu": {},
    "gpu": {"device": "cuda", "llm": "transformers", "embed_batch": 256, "max_new_tokens": 256},
    "server": {"llm": "openai", "llm_base_url": "http://127.0.0.1:8000/v1", "planner": "llm"},
    "test": {"llm": "echo", "embedder": "minilm"},
}
FIELDS = {f.name: f for f in fields(Settings)}
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
    merged.update(_layer(table, lambda n: f"config:{path}", lambda n: f"config file {path}"))
    merged.update(_layer(env_overrides(environ), lambda n: f"env:{env_name(n)}", env_name))
    given = {k: v for k, v in (cli or {}).items() if v is not None}
    merged.update(_layer(given, lambda n: "cli", lambda n: f"option {cli_flag(n)}"))
    _infer_llm(merged)
    return merged


def load_settings(preset: str | None = None, cli: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Merge default < preset < config file < env < CLI (CLI values of None mean 'not given')."""
    return Settings(**{name: value for name, (value, _) in resolve(preset, cli, environ).items()})


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
    return Path(settings.db).expanduser().resolve()
