"""Saved weight files readable like the model's other files.

safetensors writes through a private temporary file, so its weights come out mode 0600 whatever the umask: a
model folder shared between users (or copied into a container running as another user) would then load its
config and card but not its weights.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def shareable(path: Path | str) -> Path:
    """Gives a just-written file the permissions a plainly created one would have (0644 under the usual umask)."""
    path = Path(path)
    path.chmod(0o666 & ~_umask())
    return path
