"""Provenance of a result: what produced it, so a number in a report can be traced and redone.

Every result file (Parquet metadata, the workbook's ``tentang`` sheet, the HTML footer) carries
the same record: package and key dependency versions, seed, scenario name and hash, workforce
source and content hash, and the time it was made.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib import metadata

import pandas as pd

from kinerja_sim.scenario import Scenario
from kinerja_sim.workforce.model import Workforce

#: Distributions whose version can change a number (or the files written).
KEY_DEPENDENCIES = ("numpy", "pandas", "scipy", "pydantic", "openpyxl", "pyarrow", "papermill",
                    "matplotlib")


def versions() -> dict[str, str]:
    """Installed versions of kinerja_sim and its key dependencies ("-" when not installed)."""
    out = {}
    for name in ("kinerja_sim", *KEY_DEPENDENCIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def workforce_hash(wf: Workforce) -> str:
    """A stable content hash of a workforce (pseudonymous columns and, if synthetic, traits).

    Two workforces with the same hash give the same simulation for the same scenario and seed.
    """
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(wf.employees, index=False).to_numpy().tobytes())
    if wf.plan is not None:
        for arr in (wf.plan.indicator, wf.plan.target, wf.plan.utama, wf.plan.time_target,
                    wf.plan.cost_target):
            h.update(arr.tobytes())
    return h.hexdigest()[:16]


def provenance(scenario: Scenario, seed: int, workforce: Workforce, **extra: object
               ) -> dict[str, str]:
    """The provenance record (all values text, ready for Parquet metadata or a sheet)."""
    record = {f"version.{k}": v for k, v in versions().items()}
    record.update({
        "seed": str(seed),
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "workforce_source": workforce.source,
        "workforce_hash": workforce_hash(workforce),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    record.update({k: str(v) for k, v in extra.items()})
    return record
