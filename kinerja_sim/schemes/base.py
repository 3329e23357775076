"""The contract between measured data and a scoring scheme.

Every scheme sees the same vectorised inputs (:class:`Measurements` for what was measured in one
appraisal period, :class:`OrgContext` for where each employee sits) and returns a
:class:`SchemeResult`. Predikat are stored as ordinal codes 0..4 (worst..best) so metrics and
comparisons work across schemes; each scheme names its own five labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: BerAKHLAK core values, in the order of the ``perilaku`` columns (PermenPANRB 6/2022 §1.3).
BERAKHLAK = (
    "berorientasi_pelayanan",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)

#: Three-level ratings of PermenPANRB 6/2022, as ordinal codes.
RATING_LEVELS = ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Di Atas Ekspektasi")
BAWAH, SESUAI, ATAS = 0, 1, 2

JENIS_JABATAN = ("JPT", "Administrator", "Pengawas", "Fungsional", "Pelaksana")


@dataclass(frozen=True)
class Measurements:
    """Measured data of one appraisal period, as arrays over n employees and K IKI slots.

    Empty IKI slots have ``indicator == -1`` and NaN target/realisation. A missing realisation
    (data-quality failure) is NaN with ``indicator >= 0``.
    """

    indicator: np.ndarray  # (n, K) int: code into the indicator catalogue, -1 = empty slot
    indicator_names: tuple[str, ...]  # catalogue names for the codes
    target: np.ndarray  # (n, K) float
    realisation: np.ndarray  # (n, K) float, NaN = not reported
    higher_is_better: np.ndarray  # (n, K) bool, from the catalogue
    utama: np.ndarray  # (n, K) bool: RHK utama (main) vs tambahan
    quality: np.ndarray  # (n, K) float 0-100: supervisor's quality judgement (PP 46 kualitas)
    time_target: np.ndarray  # (n, K) float months
    time_realisation: np.ndarray  # (n, K) float months
    cost_target: np.ndarray  # (n, K) float rupiah, NaN = no cost aspect
    cost_realisation: np.ndarray  # (n, K) float rupiah
    perilaku: np.ndarray  # (n, 7) float 0-100: supervisor ratings of the BerAKHLAK values
    days_absent: np.ndarray  # (n,) int: unexcused absent days in the period
    late: np.ndarray  # (n, 4) int: late arrivals per band TL1..TL4
    innovation: np.ndarray  # (n,) bool: PP 30/2019 innovation condition for Sangat Baik

    @property
    def n(self) -> int:
        return int(self.indicator.shape[0])


@dataclass(frozen=True)
class OrgContext:
    """Where each employee sits: what the distribution curve and TPP rules need."""

    opd: np.ndarray  # (n,) int code of the OPD
    opd_names: tuple[str, ...]  # names for the codes
    unit: np.ndarray  # (n,) int code of the unit
    jenis_jabatan: np.ndarray  # (n,) int index into JENIS_JABATAN
    rumpun: np.ndarray  # (n,) int code into rumpun_names
    rumpun_names: tuple[str, ...]
    is_opd_head: np.ndarray  # (n,) bool: head of the OPD (leader-as-employee rule)
    kelas_jabatan: np.ndarray  # (n,) int 1..17, for TPP
    org_predikat: np.ndarray  # (n_opd,) int code into ORG_PREDIKAT (0 worst .. 4 Istimewa)
    #: (n,) int code of the population each row belongs to, or None for one population. The
    #: engine stacks replications along the rows; a statistic a scheme takes over "all
    #: employees" (a z-score) must be taken per population, or replication k would depend on
    #: the others.
    population: np.ndarray | None = None

    @property
    def structural(self) -> np.ndarray:
        return self.jenis_jabatan <= 2  # JPT, Administrator, Pengawas


#: Organisation predikat of SE MenPANRB 03/2023, worst to best.
ORG_PREDIKAT = ("Sangat Kurang", "Kurang", "Butuh Perbaikan", "Baik", "Istimewa")


@dataclass
class SchemeResult:
    """What a scheme produces for every employee.

    ``score`` is the numeric final score where the scheme has one (NaN otherwise);
    ``merit`` is the continuous ordering key used to break ties when a distribution rule must
    move people (higher = better); ``predikat`` is the ordinal 0..4 after any distribution
    rule, ``predikat_raw`` before it.
    """

    labels: tuple[str, str, str, str, str]  # predikat labels for codes 0..4
    predikat: np.ndarray  # (n,) int8
    predikat_raw: np.ndarray  # (n,) int8
    score: np.ndarray  # (n,) float
    merit: np.ndarray  # (n,) float
    rating_hasil: np.ndarray | None = None  # (n,) int8 0..2 (6/2022 only)
    rating_perilaku: np.ndarray | None = None  # (n,) int8 0..2 (6/2022 only)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. skp, perilaku scores
    adjustment: dict[str, object] = field(default_factory=dict)  # distribution-rule report
