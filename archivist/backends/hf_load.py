"""Loading transformers models: source resolution (dir, GGUF, hub id), device/dtype, kind detection
(also from the config alone, for `models list`), and the SSM kernel check; GGUF weights are
dequantised once and cached as safetensors."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from archivist.errors import BackendError, ConfigError

log = logging.getLogger(__name__)

SSM_TYPES = {"mamba", "mamba2", "falcon_mamba", "rwkv", "xlstm"}
HYBRID_TYPES = {"jamba", "zamba", "zamba2", "bamba", "falcon_h1", "granitemoehybrid", "nemotron_h",
                "lfm2", "qwen3_next", "recurrent_gemma", "minimax"}
# model types registered by flash-linear-attention (`import fla`); all are recurrent (linear attention)
FLA_TYPES = {"gated_deltanet", "delta_net", "gla", "gsa", "hgrn", "hgrn2", "retnet", "rwkv6", "rwkv7",
             "linear_attn", "based", "abc", "forgetting_transformer", "comba", "mesa_net",
             "gated_deltaproduct", "lightnet", "nsa", "samba", "path_attn", "log_linear_mamba2"}
# model types of fla that keep some softmax attention layers
FLA_HYBRID = {"samba", "forgetting_transformer", "nsa", "path_attn"}


@dataclass
class Source:
    """Where weights come from: a directory, a GGUF file inside a directory, or a hub id."""

    path: str  # directory or hub id
    gguf_file: str | None = None
    local: bool = True


def resolve_source(model: str, gguf_file: str | None = None) -> Source:
    """A Source for a checkpoint dir, a .gguf path, or a hub id (only used when not a local path)."""
    if not model:
        raise ConfigError("no model given: set --model / ARCHIVIST_LLM_MODEL")
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return Source(str(path.parent), path.name)
    if path.is_dir():
        if gguf_file is None and not (path / "config.json").exists():
            ggufs = sorted(path.glob("*.gguf"))
            gguf_file = ggufs[0].name if ggufs else None
        return Source(str(path), gguf_file)
    if model.startswith(("/", ".", "~")) or path.suffix == ".gguf":
        raise ConfigError(f"model path not found: {model}")
    return Source(model, gguf_file, local=False)


def pick_device(device: str = "auto") -> str:
    import torch
    if device in ("", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' requested but CUDA is not available")
    return device


def pick_dtype(device: str):
    """bf16 on GPU, fp32 on CPU (bf16 matmuls on CPU are slower and less exact)."""
    import torch
    return torch.bfloat16 if device.startswith("cuda") else torch.float32


# GGUF spells some architectures differently from transformers' model_type
GGUF_ARCH_ALIASES = {"falcon-h1": "falcon_h1", "granitehybrid": "granitemoehybrid",
                     "qwen3next": "qwen3_next", "nemotron-h": "nemotron_h"}
# words of per-layer type lists that name a recurrent (state-space, conv, linear attention) layer;
# checked before "attention" because "linear_attention" holds both
RECURRENT_LAYER_WORDS = ("mamba", "linear", "conv", "recurrent", "ssm", "rwkv", "delta")
# config fields that list each layer's type (qwen3_next/lfm2, jamba/zamba, recurrent_gemma)
LAYER_TYPE_FIELDS = ("layer_types", "layers_block_type", "block_types")


def _field(config: Any, key: str) -> Any:
    """A config value from a transformers config object or a plain config.json dict."""
    return config.get(key) if isinstance(config, Mapping) else getattr(config, key, None)


def _layer_roles(config: Any) -> set[str]:
    """{"recurrent", "attention"}: the roles this config's per-layer types name (empty: none listed)."""
    names: list[str] = []
    for key in LAYER_TYPE_FIELDS:
        value = _field(config, key)
        if isinstance(value, (list, tuple)):
            names += [str(v).lower() for v in value]
    pattern = _field(config, "hybrid_override_pattern")  # nemotron_h: M mamba, * attention, - MLP
    if isinstance(pattern, str):
        names += ["mamba" if c == "M" else "attention" if c == "*" else "" for c in pattern]
    roles = set()
    for name in names:
        if any(w in name for w in RECURRENT_LAYER_WORDS):
            roles.add("recurrent")
        elif "attention" in name or name == "attn":
            roles.add("attention")
    return roles


def detect_kind(config: Any) -> str:
    """attention | ssm | hybrid from a config object or config.json dict: the model_type when known,
    else the per-layer types (so new hybrids are seen without a list update), else architectures."""
    mtype = _field(config, "model_type") or ""
    if mtype in HYBRID_TYPES or mtype in FLA_HYBRID:
        return "hybrid"
    if mtype in SSM_TYPES or mtype in FLA_TYPES:
        return "ssm"
    roles = _layer_roles(config)
    if "recurrent" in roles:
        return "hybrid" if "attention" in roles else "ssm"
    arch = " ".join(_field(config, "architectures") or []).lower()
    if "mamba" in arch or "rwkv" in arch:
        return "ssm"
    text = _field(config, "text_config")  # multimodal wrappers keep the language model's config here
    if text is not None and text is not config:
        return detect_kind(text)
    return "attention"


def peek_kind(model: str, gguf_file: str | None = None) -> str | None:
    """The kind of a checkpoint from its config alone (config.json, a GGUF header, or a hub id's
    cached config.json), loading no weights and never downloading; None when it cannot be told."""
    try:
        src = resolve_source(model, gguf_file)
    except ConfigError:
        return None
    config = _peek_config(src)
    return detect_kind(config) if config is not None else None


def _peek_config(src: Source) -> dict | None:
    """config.json as a dict, or {"model_type": ...} from a GGUF's general.architecture."""
    try:
        if src.gguf_file:
            return _gguf_config(Path(src.path) / src.gguf_file)
        if src.local:
            return json.loads((Path(src.path) / "config.json").read_text(encoding="utf-8"))
        from huggingface_hub import try_to_load_from_cache
        cached = try_to_load_from_cache(src.path, "config.json")
        return json.loads(Path(cached).read_text(encoding="utf-8")) if isinstance(cached, str) else None
    except (OSError, ValueError, ImportError):  # unreadable or not a checkpoint: kind unknown
        return None


def _gguf_config(path: Path) -> dict | None:
    """A config-like dict from a GGUF's metadata; the reader maps the file, so tensors stay unread."""
    from gguf import GGUFReader
    field = GGUFReader(path).fields.get("general.architecture")
    if field is None:
        return None
    arch = field.contents()
    return {"model_type": GGUF_ARCH_ALIASES.get(arch, arch.replace("-", "_")), "architectures": [arch]}


def attn_implementation(device: str) -> str:
    """flash_attention_2 on CUDA when the package is installed, else PyTorch SDPA."""
    from transformers.utils import is_flash_attn_2_available
    if device.startswith("cuda") and is_flash_attn_2_available():
        return "flash_attention_2"
    return "sdpa"


def ssm_kernels_available(model_type: str) -> bool:
    """Whether the fused GPU kernels for this SSM family are importable."""
    from transformers.utils import import_utils as iu
    if model_type in FLA_TYPES:
        return iu.is_flash_linear_attention_available()
    if model_type in ("mamba", "falcon_mamba", "jamba"):
        return iu.is_mamba_ssm_available() and iu.is_causal_conv1d_available()
    if model_type in ("mamba2", "bamba", "zamba2", "falcon_h1", "nemotron_h", "granitemoehybrid"):
        return iu.is_mamba_2_ssm_available() and iu.is_causal_conv1d_available()
    return True  # other recurrent models have no optional kernels to check


def _import_fla_if_needed(model_type: str) -> None:
    if model_type not in FLA_TYPES:
        return
    try:
        import fla  # noqa: F401  (registers the fla model classes with transformers' Auto*)
    except ImportError as exc:
        raise ConfigError(f"model type {model_type!r} needs flash-linear-attention: "
                          "pip install flash-linear-attention") from exc


def cache_root() -> Path:
    base = os.environ.get("ARCHIVIST_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "archivist")
    return Path(base)


def gguf_cache_dir(src: Source) -> Path:
    """Where the dequantised copy of a GGUF lives (keyed by name, size and mtime)."""
    st = (Path(src.path) / src.gguf_file).stat()
    return cache_root() / "gguf" / f"{Path(src.gguf_file).stem}-{st.st_size}-{int(st.st_mtime)}"


def _from_gguf(src: Source, dtype):
    """Model and tokenizer from a GGUF, via the safetensors cache (conversion takes minutes on CPU)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    cached = gguf_cache_dir(src)
    if (cached / "config.json").exists() and (cached / "tokenizer_config.json").exists():
        tok = AutoTokenizer.from_pretrained(cached)
        return AutoModelForCausalLM.from_pretrained(cached, dtype=dtype), tok
    log.info("dequantising %s (once; cached in %s)", src.gguf_file, cached)
    from archivist.backends.quiet import gguf_bars_off
    gguf_bars_off()
    tok = AutoTokenizer.from_pretrained(src.path, gguf_file=src.gguf_file)
    model = AutoModelForCausalLM.from_pretrained(src.path, gguf_file=src.gguf_file, dtype=dtype)
    # the weights are already dequantised; only the quantizer marker blocks save_pretrained
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    try:
        tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        tmp.rename(cached)
    except OSError as exc:  # a read-only cache only costs speed
        log.warning("could not cache dequantised GGUF in %s: %s", cached, exc)
    return model, tok


def load_model(src: Source, device: str, offline: bool = False):
    """(model, tokenizer) on device in eval mode; offline=True forbids hub downloads
    (transformers also honours HF_HUB_OFFLINE=1)."""
    from archivist.backends.quiet import quiet
    with quiet():
        return _load_model(src, device, offline)


def _load_model(src: Source, device: str, offline: bool = False):
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    dtype = pick_dtype(device)
    kw: dict[str, Any] = {"local_files_only": True} if offline and not src.local else {}
    try:
        if src.gguf_file:
            model, tok = _from_gguf(src, dtype)
        else:
            config = AutoConfig.from_pretrained(src.path, **kw)
            _import_fla_if_needed(config.model_type)
            attn = {"attn_implementation": attn_implementation(device)} \
                if detect_kind(config) == "attention" else {}
            tok = AutoTokenizer.from_pretrained(src.path, **kw)
            model = AutoModelForCausalLM.from_pretrained(src.path, dtype=dtype, **attn, **kw)
    except (OSError, ValueError) as exc:
        hint = " (a hub id needs network access or a local HF cache)" if not src.local else ""
        raise BackendError(f"cannot load model {src.path}{'/' + src.gguf_file if src.gguf_file else ''}"
                           f": {exc}{hint}") from exc
    return model.to(device).eval(), tok
