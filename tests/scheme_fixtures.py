"""Small Measurements / OrgContext builders for the scheme tests."""

from __future__ import annotations

import numpy as np

from kinerja_sim.schemes.base import BERAKHLAK, Measurements, OrgContext

INDICATOR_NAMES = ("complaint_response_time", "service_quality", "vaccinations_delivered",
                   "community_satisfaction", "documents_processed")


def _full(n: int, k: int, value, dtype=np.float64) -> np.ndarray:
    """Broadcast a scalar, a per-slot (k,) row or an (n, 1) / (n, k) array to (n, k)."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), (n, k)).copy()


def make_measurements(n: int = 1, k: int = 1, *, indicator=0, target=100.0, realisation=100.0,
                      higher_is_better=True, utama=True, quality=80.0, time_target=12.0,
                      time_realisation=12.0, cost_target=np.nan, cost_realisation=np.nan,
                      perilaku=80.0, days_absent=0, late=0, innovation=False,
                      indicator_names=INDICATOR_NAMES) -> Measurements:
    """Every input is numpy-broadcast to (n, k) / (n, 7) / (n,) / (n, 4)."""
    ind = _full(n, k, indicator, np.int64)
    per = _full(n, len(BERAKHLAK), perilaku)
    lt = _full(n, 4, late, np.int64)
    return Measurements(
        indicator=ind,
        indicator_names=tuple(indicator_names),
        target=_full(n, k, target),
        realisation=_full(n, k, realisation),
        higher_is_better=_full(n, k, higher_is_better, bool),
        utama=_full(n, k, utama, bool),
        quality=_full(n, k, quality),
        time_target=_full(n, k, time_target),
        time_realisation=_full(n, k, time_realisation),
        cost_target=_full(n, k, cost_target),
        cost_realisation=_full(n, k, cost_realisation),
        perilaku=per,
        days_absent=np.broadcast_to(np.asarray(days_absent, dtype=np.int64), (n,)).copy(),
        late=lt,
        innovation=np.broadcast_to(np.asarray(innovation, dtype=bool), (n,)).copy(),
    )


def make_org(n: int = 1, *, opd=0, unit=0, jenis_jabatan=4, rumpun=0, is_opd_head=False,
             kelas_jabatan=7, org_predikat=(3,), opd_names=None,
             rumpun_names=("pelayanan", "kesehatan", "pendidikan", "teknis")) -> OrgContext:
    org_predikat = np.asarray(org_predikat, dtype=np.int64)
    return OrgContext(
        opd=np.broadcast_to(np.asarray(opd, dtype=np.int64), (n,)).copy(),
        opd_names=tuple(opd_names or (f"OPD{i}" for i in range(len(org_predikat)))),
        unit=np.broadcast_to(np.asarray(unit, dtype=np.int64), (n,)).copy(),
        jenis_jabatan=np.broadcast_to(np.asarray(jenis_jabatan, dtype=np.int64), (n,)).copy(),
        rumpun=np.broadcast_to(np.asarray(rumpun, dtype=np.int64), (n,)).copy(),
        rumpun_names=tuple(rumpun_names),
        is_opd_head=np.broadcast_to(np.asarray(is_opd_head, dtype=bool), (n,)).copy(),
        kelas_jabatan=np.broadcast_to(np.asarray(kelas_jabatan, dtype=np.int64), (n,)).copy(),
        org_predikat=org_predikat,
    )
