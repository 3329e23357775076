"""What a scheme rewards, as the behaviour model sees it.

``task_weights`` says how much each IKI slot moves an employee's appraisal under the scheme
(what is weighted gets effort; Holmstrom & Milgrom 1991). ``valence`` is the share of monthly
income the TPP kinerja portion puts at stake. Both are read off the scheme's own parameters so a
scenario that changes a weight changes behaviour with no extra setting.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kinerja_sim.schemes import tpp
from kinerja_sim.schemes.base import Measurements, OrgContext
from kinerja_sim.workforce.model import TaskPlan, Workforce


def _normalised(raw: np.ndarray, present: np.ndarray) -> np.ndarray:
    raw = np.where(present, raw, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    return np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)


def task_weights(sc, plan: TaskPlan, org: OrgContext) -> np.ndarray:
    """(n, K) share of the appraisal each IKI slot carries (0 for empty slots)."""
    present = plan.indicator >= 0
    params = sc.scheme_params
    name = sc.spec.scheme.name
    if name == "pp46_2011":
        return params.weights.skp * _normalised(np.ones(present.shape), present)
    if name == "pp30_2019":
        sw = params.slot_weights
        raw = np.where(plan.utama, sw.utama, sw.tambahan)
        return params.effective_weights.skp * _normalised(raw, present)
    if name == "permenpanrb_6_2022":
        tw = sc.behaviour_params.task_weights
        raw = np.where(plan.utama, tw.utama_relative_weight, 1.0)
        return tw.hasil_share_6_2022 * _normalised(raw, present)
    if name == "weighted_kpi":
        from kinerja_sim.schemes.weighted_kpi import weight_table

        table = weight_table(params, sc.catalogue.names, org.rumpun_names)
        raw = table[org.rumpun[:, None], np.where(present, plan.indicator, 0)]
        return (1 - params.behaviour_weight) * _normalised(raw, present)
    raise ValueError(f"no task weights for scheme {name!r}")


def valence(sc, wf: Workforce, org: OrgContext) -> np.ndarray:
    """TPP kinerja portion at stake (best minus worst predikat) over monthly income.

    The stake of an employee with perfect attendance depends on its kelas jabatan only, so TPP
    is computed once per distinct kelas (at most 17 rows) and looked up.
    """
    kelas, back = np.unique(np.asarray(org.kelas_jabatan), return_inverse=True)
    n = kelas.size
    zeros = np.zeros((n, 1))
    m = Measurements(
        indicator=np.zeros((n, 1), int), indicator_names=("x",), target=zeros,
        realisation=zeros, higher_is_better=np.ones((n, 1), bool), utama=np.ones((n, 1), bool),
        quality=zeros, time_target=zeros, time_realisation=zeros, cost_target=zeros,
        cost_realisation=zeros, perilaku=np.zeros((n, 7)), days_absent=np.zeros(n, int),
        late=np.zeros((n, 4), int), innovation=np.zeros(n, bool))
    small = replace(org, opd=np.zeros(n, int), unit=np.zeros(n, int),
                    jenis_jabatan=np.zeros(n, int), rumpun=np.zeros(n, int),
                    is_opd_head=np.zeros(n, bool), kelas_jabatan=kelas)
    best = tpp.compute(np.full(n, 4), m, small, sc.tpp_params)
    worst = tpp.compute(np.zeros(n, int), m, small, sc.tpp_params)
    stake = (best["tpp_total"] - worst["tpp_total"])[back.ravel()]
    base = best["tpp_base"][back.ravel()]
    gaji = sc.behaviour_params.valence.gaji_pokok
    gol = wf.employees["golongan"]
    if isinstance(gol.dtype, pd.CategoricalDtype):  # one lookup per category, not per employee
        by_code = np.array([gaji.get(str(g), np.nan) for g in gol.cat.categories] + [np.nan])
        pay = by_code[gol.cat.codes.to_numpy()]  # code -1 (missing) -> NaN
    else:
        pay = gol.astype(str).map(gaji).to_numpy(dtype=float)
    return stake / (pay + base)
