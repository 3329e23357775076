"""The baseline shared by a batch: simulated once, stored by hash, loaded by every report.

Every report notebook of a batch compares its scenario with the same baseline on the same
workforce, seed, periods and replications. Simulating that baseline (and computing its
per-replication metrics, the costliest step) once per batch instead of once per notebook is
most of what makes a batch faster than a loop of plain ``papermill`` calls.

The cache file is keyed by everything that determines the baseline's numbers (scenario hash,
seed, workforce hash, periods, replications, package version), so a stale or foreign file is
never used: :func:`load_baseline` returns ``None`` and the notebook simulates the baseline
itself, giving the same numbers, only slower. The file is an internal pickle written by this
package into the batch directory; it is not a report and is removed once a batch succeeds.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from kinerja_sim import outcomes
from kinerja_sim.dynamics import Simulation
from kinerja_sim.provenance import versions, workforce_hash
from kinerja_sim.report.files import write_bytes
from kinerja_sim.scenario import Scenario
from kinerja_sim.workforce.model import Workforce


def baseline_key(scenario: Scenario, seed: int, workforce: Workforce, periods: int,
                 replications: int) -> dict[str, str]:
    """What a baseline simulation's numbers depend on (all values text)."""
    return {"scenario_hash": scenario.hash, "seed": str(seed),
            "workforce_hash": workforce_hash(workforce), "periods": str(periods),
            "replications": str(replications), "version": versions()["kinerja_sim"]}


def key_digest(key: dict[str, str]) -> str:
    """A short stable digest of a key, used in file names."""
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def cache_path(directory: str | Path, key: dict[str, str]) -> Path:
    """Where the batch in ``directory`` keeps the baseline for ``key``."""
    return Path(directory) / ".batch" / f"pembanding-{key_digest(key)}.pkl"


def save_baseline(path: str | Path, sim: Simulation, key: dict[str, str],
                  tables: dict | None = None) -> Path:
    """Store ``sim`` with its per-replication metrics (computed here if not yet) and the
    baseline's own report ``tables`` under ``key``."""
    outcomes.per_replication(sim)  # kept on the Simulation, so it travels in the pickle
    return write_bytes(path, pickle.dumps({"key": key, "simulation": sim,
                                           "tables": dict(tables or {})}, protocol=5))


def failed_path(path: str | Path) -> Path:
    """Sentinel the runner writes when it could not make the baseline (notebooks then stop
    waiting and simulate it themselves)."""
    return Path(str(path) + ".gagal")


def wait_for_baseline(path: str | Path | None, key: dict[str, str], timeout: float = 3600.0,
                      poll: float = 0.2) -> tuple[Simulation, dict] | None:
    """Like :func:`load_baseline`, but wait while the runner is still making the file.

    The runner starts the report notebooks before its baseline is ready, so each notebook
    simulates its own scenario while the baseline is computed in parallel; it only waits here
    if it gets to the comparison first. ``None`` when the runner gave up or on time-out.
    """
    import time

    if not path:
        return None
    end = time.monotonic() + timeout
    while not Path(path).is_file():
        if failed_path(path).exists() or time.monotonic() > end:
            return None
        time.sleep(poll)
    return load_baseline(path, key)


def load_baseline(path: str | Path | None, key: dict[str, str]
                  ) -> tuple[Simulation, dict] | None:
    """``(simulation, tables)`` if ``path`` holds a baseline for exactly ``key``, else None."""
    if not path or not Path(path).is_file():
        return None
    try:
        stored = pickle.loads(Path(path).read_bytes())
    except Exception:  # a foreign or damaged file is not used; the caller simulates instead
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    sim = stored.get("simulation")
    return (sim, stored.get("tables") or {}) if isinstance(sim, Simulation) else None
