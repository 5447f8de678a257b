"""What every benchmark row records: machine, date, commit; and how a row lands in BENCHMARKS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

BENCHMARKS_FILE = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
HEADER = (
    "| date | benchmark | dataset | metric | score [95% CI] | train min | inference stmt/s | machine | commit | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|\n"
)


# The widest vector unit decides the encoder's speed: bf16 is native with AVX-512 BF16 or AMX, emulated (slower than
# fp32) below them. Checked widest first.
VECTOR_UNITS = (("amx_bf16", "AMX"), ("avx512_bf16", "AVX-512 BF16"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))


def machine() -> str:
    cpu, flags = platform.processor() or platform.machine(), set()
    try:
        first_processor = Path("/proc/cpuinfo").read_text().split("\n\n", 1)[0]
        for line in first_processor.splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    unit = next((name for flag, name in VECTOR_UNITS if flag in flags), None)
    return f"{os.cpu_count()} cores {cpu}" + (f" ({unit})" if unit else "") + ", no GPU"


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def append_row(cells: list[str]) -> None:
    """Adds one row under the results table, creating the file with its header when missing."""
    if not BENCHMARKS_FILE.exists():
        BENCHMARKS_FILE.write_text("# Benchmarks\n\nEach row was written by the script named in its command column.\n\n" + HEADER)
    text = BENCHMARKS_FILE.read_text()
    if HEADER not in text:
        text += "\n" + HEADER
    row = "| " + " | ".join(cells) + " |\n"
    start = text.index(HEADER) + len(HEADER)
    end = start
    while end < len(text) and text[end] == "|":
        end = text.index("\n", end) + 1
    BENCHMARKS_FILE.write_text(text[:end] + row + text[end:])


def today() -> str:
    return dt.date.today().isoformat()
