"""The in-memory workforce: who works where, what they are measured on, and (for synthetic
workforces) the latent traits only the simulation may see.

One pandas row per employee for identity and organisation; numpy ``(n, K)`` arrays for the IKI
slots so scoring stays vectorised even for the 4.76-million-employee national profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja_sim.schemes.base import Measurements

#: Identity and organisation columns of ``Workforce.employees`` (English identifiers,
#: official Indonesian terms kept).
EMPLOYEE_COLUMNS = (
    "employee_id",  # pseudonym: never a NIP or a name
    "opd",
    "unit",
    "rater_id",  # employee_id of the pejabat penilai, or "WALIKOTA"
    "jenis_jabatan",  # JPT, Administrator, Pengawas, Fungsional, Pelaksana
    "rumpun",
    "status",  # PNS / PPPK
    "golongan",  # I..IV (PPPK: the PNS-equivalent band)
    "gender",  # L / P
    "age",
    "tenure_years",
    "kelas_jabatan",  # 1..17
    "is_opd_head",
    "is_unit_head",
)

#: Simulation-only columns. Never exported, never shown in a report.
LATENT_COLUMNS = ("latent_ability", "latent_effort", "latent_psm", "latent_context")

EXTERNAL_RATER = "WALIKOTA"


@dataclass(frozen=True)
class TaskPlan:
    """The SKP plan: which indicators each employee is measured on, with targets.

    ``indicator`` codes index the indicator catalogue; -1 marks an empty slot.
    """

    indicator: np.ndarray  # (n, K) int16
    target: np.ndarray  # (n, K) float
    utama: np.ndarray  # (n, K) bool
    time_target: np.ndarray  # (n, K) float months
    cost_target: np.ndarray  # (n, K) float rupiah, NaN = no cost aspect

    @property
    def slots(self) -> int:
        return int(self.indicator.shape[1])


@dataclass(frozen=True)
class Workforce:
    """A workforce: employees, their SKP plans, and optionally observed measurements.

    Synthetic workforces carry latent traits (``LATENT_COLUMNS``) and a drawn ``observed``
    period so they can be exported and scored like a real file; real files carry ``observed``
    and no latent traits.
    """

    employees: pd.DataFrame
    plan: TaskPlan
    observed: Measurements | None
    source: str
    #: Row position of each employee's rater (-1 = external rater such as the Wali Kota).
    #: Optional cache: synthetic workforces know it; loaders leave it to be derived.
    rater_row: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.employees)

    @property
    def is_synthetic(self) -> bool:
        return all(c in self.employees.columns for c in LATENT_COLUMNS)

    def latent(self, name: str) -> np.ndarray:
        return self.employees[f"latent_{name}"].to_numpy(dtype=np.float64)
