"""Settings: one dataclass, named presets, precedence CLI > env (ARCHIVIST_*) > preset > default."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from archivist.errors import ConfigError

DEFAULT_DB = "archivist.db"


@dataclass
class Settings:
    """Every tunable of archivist; field names double as ARCHIVIST_<NAME> env variables."""

    db: str = DEFAULT_DB
    # embeddings
    embedder: str = "minilm"  # registry name, local sentence-transformers path, or hub id
    embed_batch: int = 64
    embed_precision: str = "auto"  # auto | fp32 | bf16 | int8
    # chunking and index
    chunk_tokens: int = 200
    chunk_overlap: int = 32
    index_kind: str = "auto"  # auto | flat | ivf | hnsw
    index_exact_below: int = 10_000  # vectors; exact below (flat 10k: 2.3 ms, 37k: 10.5 ms; HNSW 37k: 0.14 ms)
    # llm
    llm: str = "smollm2"  # registry name: smollm2 | transformers | openai | echo
    llm_model: str = ""  # local path, GGUF file or hub id; model name for openai
    llm_base_url: str = ""  # OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1
    llm_api_key: str = ""
    llm_timeout: float = 120.0
    device: str = "auto"  # auto | cpu | cuda
    max_new_tokens: int = 160
    temperature: float = 0.0
    seed: int = 0
    # agent
    planner: str = "rules"  # rules | llm
    top_k: int = 8
    context_tokens: int = 0  # 0: use the model's context window minus the answer budget
    memory_tokens: int = 512  # bound on the rolling memory's state
    max_escalations: int = 2
    extra: dict[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)


PRESETS: dict[str, dict[str, Any]] = {
    "cpu": {},
    "gpu": {"device": "cuda", "llm": "transformers", "embed_batch": 256, "max_new_tokens": 256},
    "server": {"llm": "openai", "llm_base_url": "http://127.0.0.1:8000/v1", "planner": "llm"},
    "test": {"llm": "echo", "embedder": "minilm"},
}


def _coerce(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"ARCHIVIST_{name.upper()}={raw!r} is not a {kind}") from exc
    return raw


def env_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Settings given as ARCHIVIST_<FIELD> environment variables."""
    environ = os.environ if environ is None else environ
    out = {}
    for f in fields(Settings):
        key = f"ARCHIVIST_{f.name.upper()}"
        if f.name != "extra" and environ.get(key, "") != "":
            out[f.name] = _coerce(f.name, environ[key])
    return out


def load_settings(preset: str | None = None, cli: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Merge default < preset < env < CLI (CLI values of None mean 'not given')."""
    preset = preset or (environ or os.environ).get("ARCHIVIST_PRESET") or "cpu"
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    merged: dict[str, Any] = dict(PRESETS[preset])
    merged.update(env_overrides(environ))
    merged.update({k: v for k, v in (cli or {}).items() if v is not None})
    if "llm" not in merged:  # one flag is enough: a model path or a server URL picks its backend
        if merged.get("llm_base_url"):
            merged["llm"] = "openai"
        elif merged.get("llm_model"):
            merged["llm"] = "transformers"
    unknown = set(merged) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    return Settings(**merged)


def db_path(settings: Settings) -> Path:
    return Path(settings.db).expanduser().resolve()
