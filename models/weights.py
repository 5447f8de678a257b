"""Saved weight files readable like the model's other files, and model configs that show an edit.

safetensors writes through a private temporary file, so its weights come out mode 0600 whatever the umask: a
model folder shared between users (or copied into a container running as another user) would then load its
config and card but not its weights.
"""

from __future__ import annotations

import hashlib
import json
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


CONFIG_DIGEST_KEY = "config_sha256"


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read a MiB at a time (weights and data files can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _config_digest(config: dict) -> str:
    body = {key: value for key, value in config.items() if key != CONFIG_DIGEST_KEY}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def write_config(path: Path | str, config: dict) -> None:
    """Writes a model's JSON config with a sha256 of its own content: the temperature, max_length or head layout in
    it change outputs that the weights hash in a model id does not cover, so an edit must not pass unnoticed."""
    normalised = json.loads(json.dumps(config))  # tuples become lists, as a reader will see them
    normalised[CONFIG_DIGEST_KEY] = _config_digest(normalised)
    Path(path).write_text(json.dumps(normalised, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_config(path: Path | str) -> dict:
    """A model's JSON config, refused when its content no longer matches the digest written with it (a config saved
    before digests were written has none, and loads as before)."""
    path = Path(path)
    config = json.loads(path.read_text(encoding="utf-8"))
    recorded = config.get(CONFIG_DIGEST_KEY)
    if recorded is not None and recorded != _config_digest(config):
        raise ValueError(
            f"{path}: edited after the model was saved (its content no longer matches its {CONFIG_DIGEST_KEY}); a changed "
            "temperature, length or head changes predictions that the model id would not show: restore the file or retrain"
        )
    return config
