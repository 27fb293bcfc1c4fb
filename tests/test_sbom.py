"""The software bill of materials (issue 14, item 9) lists every locked runtime dependency at
its locked version, so a scan of it covers what is installed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, str]:
    """name -> version, from requirements/runtime.txt (names normalised as PEP 503 says)."""
    pins = re.findall(
        r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)",
        (ROOT / "requirements" / "runtime.txt").read_text(),
        re.M,
    )
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, v in pins}


@pytest.mark.slow
def test_sbom_lists_every_locked_runtime_dependency(tmp_path):
    out = tmp_path / "sbom.cdx.json"
    run = subprocess.run(
        [str(ROOT / "scripts" / "sbom"), str(out)], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    bom = json.loads(out.read_text())
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"]["name"] == "oneworkforce"
    listed = {
        re.sub(r"[-_.]+", "-", c["name"]).lower(): (c["version"], c["purl"])
        for c in bom["components"]
    }
    locked = _locked()
    assert len(locked) > 40  # the lock file was read (57 pins when this was written)
    for name, version in locked.items():
        assert name in listed, f"{name} is locked but missing from the SBOM"
        assert listed[name][0] == version
        assert listed[name][1].startswith("pkg:pypi/") and listed[name][1].endswith(f"@{version}")
