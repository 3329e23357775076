"""environment.yml mirrors pyproject.toml (conda cannot be solved here, so check the text)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _spec(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req.strip())
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_spec(r) for r in py["dependencies"])
    for extra in ("test", "bench"):
        wanted.update(_spec(r) for r in py["optional-dependencies"][extra])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_spec(d) for d in env["dependencies"] if isinstance(d, str)
                 and not d.startswith(("python", "pip")))
    assert conda == wanted
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert any(line.startswith("-e .") for line in pip_section)
    assert py["requires-python"] == ">=3.11"
    assert py["scripts"]["kinerja-sim"] == "kinerja_sim.cli:entry_point"


def test_required_top_level_layout():
    for name in ["notebooks", "kinerja_sim", "scenarios", "tests", "environment.yml",
                 "README.md", "docs", "benchmarks", ".ci/run"]:
        assert (ROOT / name).exists(), name


def test_ruff_clean():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
