"""Third-party chatter off while models load: transformers' and huggingface_hub's progress bars
("Loading weights", GGUF conversion), their warnings, torch.onnx export warnings and the ONNX
quantizer's root-logger warning.

Library code never draws; the CLI shows its own status line ("loading model ...") instead.
Real failures still raise; only progress bars, info and warning messages are silenced.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from typing import Iterator

NOISY_LOGGERS = ("transformers", "huggingface_hub", "sentence_transformers", "torch.onnx",
                 "onnxruntime", "gguf", "accelerate")
# read by transformers / huggingface_hub at import time: set before they are first imported
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _bars_off() -> None:
    """transformers and the hub read the variables above at import; once imported they keep
    their own switches (nothing is imported here: the echo backend must stay torch-free)."""
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars
        disable_progress_bars()


def gguf_bars_off() -> None:
    """transformers converts GGUF tensors under a bare tqdm bar its own switch does not reach."""
    import functools
    with contextlib.suppress(ImportError):
        from transformers import modeling_gguf_pytorch_utils as gguf_utils
        if not isinstance(gguf_utils.tqdm, functools.partial):
            gguf_utils.tqdm = functools.partial(gguf_utils.tqdm, disable=True)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence progress bars, info and warnings of the model libraries inside the block."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    _bars_off()
    # onnxruntime's quantizer warns through the root logger: raise its level for the block,
    # keeping archivist's own loggers at the level they had
    root, ours = logging.getLogger(), logging.getLogger("archivist")
    root_level, our_level = root.level, ours.level
    ours.setLevel(ours.getEffectiveLevel())
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(root_level)
        ours.setLevel(our_level)
