"""Torch set-up shared by the learned models: offline hub, thread count, seeding."""

from __future__ import annotations

import os
import random


# Whether this process's torch thread count has been set: later calls without `threads` leave it as it is.
_threads_chosen = False


def prepare_torch(seed: int | None = None, threads: int | None = None):
    """Imports torch lazily (it costs seconds) with the settings every model here expects.

    `threads` sets torch's thread count; without it, the first call sets it and later calls keep it, so that a
    count chosen once (a caller's, a model's) is not undone by the next model that loads.
    """
    global _threads_chosen
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    # An explicit OMP_NUM_THREADS (a pinned benchmark, a Dask worker, a user sharing the machine) is the process's
    # budget; torch would otherwise take one thread per core on top of spaCy's.
    if threads or not _threads_chosen:
        torch.set_num_threads(threads or _omp_threads() or max(1, os.cpu_count() or 1))
        _threads_chosen = True
    if seed is not None:
        random.seed(seed)
        torch.manual_seed(seed)
        import numpy as np

        np.random.seed(seed)
    return torch


def _omp_threads() -> int:
    """OMP_NUM_THREADS's outermost level ("4" or "4,2"); 0 when unset or not a positive count."""
    first = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(first) if first.isdigit() else 0


def resolve_device(name: str):
    """"cpu", "cuda" or "auto" (cuda when present) -> a torch.device; asking for a missing GPU is an error."""
    torch = prepare_torch()
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} asked for, but torch sees no CUDA GPU; use device = \"cpu\" or \"auto\"")
    return torch.device(name)


def loading_device(saved: str) -> str:
    """A model trained on a GPU still loads where there is none: "cuda" degrades to "auto"."""
    return "auto" if saved.startswith("cuda") else saved


PRECISIONS = ("fp32", "bf16", "auto")


def native_bf16() -> bool:
    """Whether oneDNN runs bf16 matrix products natively here (AVX512-BF16 or AMX); elsewhere bf16 is emulated and slower."""
    torch = prepare_torch()
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def resolve_precision(name: str) -> str:
    """"fp32", "bf16", or "auto" (bf16 where the CPU has it natively); anything else is an error."""
    if name not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {name!r}")
    if name == "auto":
        return "bf16" if native_bf16() else "fp32"
    return name


def inference_context(precision: str, device=None):
    """No autograd, and bf16 autocast when asked: encoder matrix products at half the memory traffic, same argmax
    on 99.9% of our stance pairs (benchmarks/BENCHMARKS.md)."""
    import contextlib

    torch = prepare_torch()
    stack = contextlib.ExitStack()
    stack.enter_context(torch.inference_mode())
    if precision == "bf16":
        stack.enter_context(torch.autocast(getattr(device, "type", "cpu"), dtype=torch.bfloat16))
    return stack


def build_encoder(encoder_source: str | None, encoder_config_dir=None):
    """The pretrained encoder (to train from or to embed with), or (no source) its saved architecture, whose weights load
    afterwards."""
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as transformers_logging

    # Our commands draw their own progress; transformers' per-load "Loading weights" bar only interleaves with it.
    transformers_logging.disable_progress_bar()
    if encoder_source is not None:
        return AutoModel.from_pretrained(encoder_source)
    return AutoModel.from_config(AutoConfig.from_pretrained(str(encoder_config_dir)))
