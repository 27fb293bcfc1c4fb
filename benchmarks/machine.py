"""The machine a benchmark ran on, recorded in every results file: these machines are
shared and noisy, so a figure is read beside the cores, memory and load it had."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> dict:
    """The cores, processor model, memory, platform and Python, and the load average (1, 5
    and 15 minutes) as the run starts."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }
