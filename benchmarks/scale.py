"""Benchmark: the national workforce (4.76 million ASN) synthesized and scored in one process.

Run from the repository root::

    .venv/bin/python benchmarks/scale.py                    # nasional as profiled (~4.77 M)
    .venv/bin/python benchmarks/scale.py --n 200000         # rescaled, quick

1. Pipeline (timed; ``wall_s``): ``synthesize("nasional", observed=False)`` (``--n``: rescaled
   with ``synthesize(..., n=...)``), ``load_scenario("scenarios/permenpanrb_6_2022_kurva.yaml")``
   with the workforce profile overridden to ``nasional``, and ``simulate(workforce, scenario)``
   (one period, one replication: measurement under the scenario's raters and behaviour,
   PermenPANRB 6/2022 scoring with the SE 03/2023 curve per OPD, TPP, the result table).
   ``wall_s`` is that sequence, end to end (the interpreter start and imports are reported
   separately as ``import_s``).
2. Peak memory (``peak_rss_mib``): ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end,
   i.e. the whole process including the loop comparison below (which is small).
3. Speed ratio (``speedup_vs_loop``): the scoring step alone, vectorised vs a straightforward
   per-employee Python loop, on the same ``--loop-sample`` employees (default 50,000, drawn at
   random with a fixed seed) of the final period's measurements of the timed run. The loop
   does: capaian per IKI -> level -> Rating Hasil Kerja (majority rule, utama veto,
   leader-as-employee rule for OPD heads), the seven BerAKHLAK ratings -> Rating Perilaku Kerja,
   the 3x3 matrix -> predikat, then TPP (kinerja + disiplin). The SE 03/2023 distribution curve
   is EXCLUDED FROM BOTH (it is a per-OPD adjustment of the whole population, not per-employee
   work): the vectorised side is ``simulate.score_period`` with the scenario's curve switched
   off, which on top validates its inputs and computes the merit composite (extra work on its
   side: the ratio is conservative). The loop's inputs are converted to Python lists before its
   timer starts (the fastest plain-Python form). Compared: seconds per employee, loop /
   vectorised (median of ``--repeats`` vectorised runs after a warm-up; one loop run). The loop
   must give the same predikat for every sampled employee and the same TPP (to 1e-9
   relative), else the benchmark exits with status 1.
   Also reported: ``speedup_full_run_vs_loop``, the loop per employee vs ``score_period`` per
   employee inside the timed national run (which INCLUDES the curve); and, for context,
   ``speedup_vs_numpy_element_loop``, the same loop reading the numpy arrays element by element
   (no ``tolist()``) on the first ``--numpy-loop-sample`` sampled employees.

The last printed line is JSON (``wall_s``, ``peak_rss_mib``, ``speedup_vs_loop``, ...).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

T_START = time.perf_counter()

import numpy as np  # noqa: E402

from kinerja_sim.scenario import load_scenario  # noqa: E402
from kinerja_sim.schemes.base import (  # noqa: E402
    ATAS,
    BAWAH,
    ORG_PREDIKAT,
    RATING_LEVELS,
    SESUAI,
    Measurements,
    OrgContext,
)
from kinerja_sim.schemes.distribution import LABELS  # noqa: E402
from kinerja_sim.workforce import synthesize  # noqa: E402

sim_mod = importlib.import_module("kinerja_sim.scoring")  # score_period is probed here
from kinerja_sim.simulate import simulate  # noqa: E402

IMPORT_S = time.perf_counter() - T_START

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "permenpanrb_6_2022_kurva.yaml"
TARGET_WALL_S = 20.0
TARGET_PEAK_MIB = 4096.0
TPP_RTOL = 1e-9


def verdict(n: int | None, value: float, target: float, unit: str) -> str:
    """The national targets apply to the full profile only (``--n`` not given)."""
    if n is not None:
        return ""
    return f"  (target <= {target:.0f} {unit}: {'met' if value <= target else 'NOT met'})"


def peak_rss_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


# ------------------------------------------------------------------ sample of the final period

def take_rows(m: Measurements, rows: np.ndarray) -> Measurements:
    """The measurements of ``rows`` only (contiguous copies)."""
    return replace(m, **{f: np.ascontiguousarray(getattr(m, f)[rows])
                         for f in m.__dataclass_fields__
                         if isinstance(getattr(m, f), np.ndarray)})


def take_org(org: OrgContext, rows: np.ndarray) -> OrgContext:
    """The organisation context of ``rows`` (OPD codes, names and org predikat unchanged)."""
    per_employee = ("opd", "unit", "jenis_jabatan", "rumpun", "is_opd_head", "kelas_jabatan")
    return replace(org, **{f: np.ascontiguousarray(getattr(org, f)[rows]) for f in per_employee})


class ScoringProbe:
    """Wraps ``simulate.score_period`` during the timed run: times each call and keeps the
    sample rows of the first (the period the result table reports)."""

    def __init__(self, rows: np.ndarray):
        self.rows = rows
        self.calls: list[float] = []
        self.n_scored = 0
        self.sample: tuple[Measurements, OrgContext] | None = None
        self._orig = sim_mod.score_period

    def __enter__(self):
        def probe(m, org, scenario):
            t = time.perf_counter()
            out = self._orig(m, org, scenario)
            self.calls.append(time.perf_counter() - t)
            if self.sample is None:
                self.n_scored = m.n
                self.sample = take_rows(m, self.rows), take_org(org, self.rows)
            return out

        sim_mod.score_period = probe
        return self

    def __exit__(self, *exc):
        sim_mod.score_period = self._orig


# ------------------------------------------------------------------ the per-employee loop

def loop_inputs(m: Measurements, org: OrgContext, as_lists: bool = True) -> list[tuple]:
    """One tuple per employee (built before the loop's timer): plain Python values, or with
    ``as_lists=False`` the numpy rows and scalars themselves (element access on the arrays)."""
    cols = (m.indicator, m.target, m.realisation, m.higher_is_better, m.utama, m.perilaku,
            org.is_opd_head, org.org_predikat[org.opd], org.kelas_jabatan, m.days_absent,
            m.late)
    if as_lists:
        cols = tuple(c.tolist() for c in cols)
    return list(zip(*cols, strict=True))


def loop_score(rows: list[tuple], params, tpp_params) -> tuple[list[int], list[float]]:
    """PermenPANRB 6/2022 (without the curve) and TPP, one employee at a time."""
    hp, pp = params.hasil, params.perilaku
    matrix = [[LABELS.index(params.matrix.cells[h][p]) for p in RATING_LEVELS]
              for h in RATING_LEVELS]
    leader = [RATING_LEVELS.index(params.leader_rating_hasil.map[o]) for o in ORG_PREDIKAT]
    base_by_kelas = dict(tpp_params.base_amount.by_kelas)
    split = tpp_params.effective_split
    factor = list(tpp_params.kinerja_factor.by_code)
    dd = tpp_params.disiplin_deductions

    def level(x: float, sesuai_from: float, atas_from: float) -> int:
        if not x >= sesuai_from:  # NaN (missing realisation) is below expectation
            return BAWAH
        return ATAS if x >= atas_from else SESUAI

    def majority(n_atas: int, n_bawah: int, n_total: int, share: float, blocked: bool) -> int:
        if n_total == 0:  # no IKI (the input checks reject it; NaN shares give Sesuai)
            return SESUAI
        if n_bawah / n_total > share:
            return BAWAH
        if n_atas / n_total > share and not blocked:
            return ATAS
        return SESUAI

    predikat, tpp_total = [], []
    for (codes, targets, reals, higher, utama, perilaku, is_head, org_pred, kelas, days,
         late) in rows:
        # Rating Hasil Kerja: capaian per IKI -> level -> majority (utama below blocks atas)
        n_act = n_atas = n_bawah = 0
        blocked = False
        for code, t, r, hib, ut in zip(codes, targets, reals, higher, utama, strict=True):
            if code < 0:
                continue
            n_act += 1
            ratio = r / t  # NaN realisation -> NaN capaian
            cap = ratio * 100.0 if hib else (2.0 - ratio) * 100.0
            cap = max(cap, 0.0) if not math.isnan(cap) else cap
            lvl = level(cap, hp.sesuai_from, hp.atas_from)
            n_atas += lvl == ATAS
            if lvl == BAWAH:
                n_bawah += 1
                blocked = blocked or (ut and hp.utama_below_blocks_atas)
        rh = leader[org_pred] if is_head else majority(n_atas, n_bawah, n_act, hp.majority,
                                                        blocked)
        # Rating Perilaku Kerja: the seven BerAKHLAK ratings, same majority rule
        levels = [level(x, pp.sesuai_from, pp.atas_from) for x in perilaku]
        rp = majority(levels.count(ATAS), levels.count(BAWAH), len(levels), pp.majority, False)
        pred = matrix[rh][rp]
        # TPP: kinerja portion by predikat, disiplin portion after attendance deductions
        base = base_by_kelas[kelas]
        ded = (dd.absent_day_pct * days
               + sum(p * x for p, x in zip(dd.late_pct, late, strict=True))) / dd.period_months
        kinerja = base * split.kinerja * factor[pred]
        disiplin = base * split.disiplin * max(0.0, 1.0 - ded / 100.0)
        predikat.append(pred)
        tpp_total.append(kinerja + disiplin)
    return predikat, tpp_total


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None,
                    help="rescale the nasional profile to about n employees (default: as "
                         "profiled, ~4.77 million)")
    ap.add_argument("--loop-sample", type=int, default=50_000,
                    help="employees scored by the per-employee loop (default 50000)")
    ap.add_argument("--numpy-loop-sample", type=int, default=5_000,
                    help="employees for the context timing of a loop over numpy elements")
    ap.add_argument("--repeats", type=int, default=15,
                    help="repeats of the vectorised scoring of the sample (median)")
    a = ap.parse_args(argv)

    print(f"kinerja_sim scale benchmark: nasional workforce"
          f"{'' if a.n is None else f' rescaled to ~{a.n}'}, scenario {SCENARIO.name} "
          f"(python {platform.python_version()}, numpy {np.__version__})")
    print(f"imports: {IMPORT_S:.2f} s")

    # ---- 1. the pipeline, timed
    t0 = time.perf_counter()
    wf = synthesize("nasional", n=a.n, observed=False)
    t1 = time.perf_counter()
    n = wf.n  # the loop sample (chosen here, untimed)
    rows = np.sort(np.random.default_rng(0).choice(n, size=min(a.loop_sample, n),
                                                   replace=False))
    t2 = time.perf_counter()
    sc = load_scenario(SCENARIO, overrides={"workforce.profile": "nasional"})
    t3 = time.perf_counter()
    with ScoringProbe(rows) as probe:
        df = simulate(wf, sc, panel=False).final
    t4 = time.perf_counter()
    synth_s, scenario_s, simulate_s = t1 - t0, t3 - t2, t4 - t3
    wall_s = synth_s + scenario_s + simulate_s
    score_s = probe.calls[0]
    moved = int(df["moved_by_distribution"].sum())
    assert len(df) == n and probe.n_scored == n
    print(f"\n[pipeline] n_employees={n}")
    print(f"  synthesize       {synth_s:6.2f} s")
    print(f"  load_scenario    {scenario_s:6.2f} s")
    print(f"  simulate         {simulate_s:6.2f} s  (of which score_period {score_s:.2f} s; "
          f"{moved} employees moved by the SE 03/2023 curve)")
    print(f"  wall             {wall_s:6.2f} s" + verdict(a.n, wall_s, TARGET_WALL_S, "s"))
    del df, wf

    # ---- 2. scoring only: vectorised vs per-employee loop on the same sample
    m_s, org_s = probe.sample
    k = rows.size
    sc_flat = load_scenario(SCENARIO, overrides={"workforce.profile": "nasional",
                                                 "scheme.params.distribution.enabled": False})
    sim_mod.score_period(m_s, org_s, sc_flat)  # warm-up, untimed
    vec_times = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        result, allowance = sim_mod.score_period(m_s, org_s, sc_flat)
        vec_times.append(time.perf_counter() - t)
    vec_s = statistics.median(vec_times)
    inputs = loop_inputs(m_s, org_s)
    t = time.perf_counter()
    loop_pred, loop_tpp = loop_score(inputs, sc_flat.scheme_params, sc_flat.tpp_params)
    loop_s = time.perf_counter() - t

    # context only: the same loop reading the numpy arrays element by element (no tolist())
    k_np = min(k, a.numpy_loop_sample)
    inputs_np = loop_inputs(take_rows(m_s, np.arange(k_np)), take_org(org_s, np.arange(k_np)),
                            as_lists=False)
    t = time.perf_counter()
    np_pred, _ = loop_score(inputs_np, sc_flat.scheme_params, sc_flat.tpp_params)
    loop_np_s = time.perf_counter() - t

    pred_ok = (np.array_equal(np.asarray(loop_pred), result.predikat)
               and np.array_equal(np.asarray(np_pred), result.predikat[:k_np]))
    tpp_ok = np.allclose(np.asarray(loop_tpp), allowance["tpp_total"], rtol=TPP_RTOL, atol=0.0)
    speedup = (loop_s / k) / (vec_s / k)
    speedup_full = (loop_s / k) / (score_s / n)
    speedup_np = (loop_np_s / k_np) / (vec_s / k)
    print(f"\n[scoring] {k} sampled employees, SE 03/2023 curve excluded from both:")
    print(f"  per-employee Python loop  {loop_s:8.3f} s  ({loop_s / k * 1e6:8.2f} us/employee)")
    print(f"  vectorised score_period   {vec_s:8.4f} s  ({vec_s / k * 1e6:8.2f} us/employee, "
          f"median of {a.repeats})")
    print(f"  speed ratio (same sample): {speedup:.0f}x")
    print(f"  (context: the same loop reading the numpy arrays element by element, first "
          f"{k_np} of the sample: {loop_np_s / k_np * 1e6:.2f} us/employee, {speedup_np:.0f}x)")
    print(f"  national run: score_period {score_s:.2f} s for {n} employees incl. the curve "
          f"({score_s / n * 1e6:.3f} us/employee) -> {speedup_full:.0f}x the loop per employee")
    print(f"  loop vs vectorised: predikat {'identical' if pred_ok else 'DIFFER'} "
          f"({int((np.asarray(loop_pred) != result.predikat).sum())} mismatches), TPP "
          f"{'equal' if tpp_ok else 'DIFFER'} (rtol {TPP_RTOL:g})")

    peak = peak_rss_mib()
    print(f"\n[memory] peak RSS {peak:.0f} MiB" + verdict(a.n, peak, TARGET_PEAK_MIB, "MiB"))
    out = {
        "wall_s": round(wall_s, 3), "peak_rss_mib": round(peak, 1),
        "speedup_vs_loop": round(speedup, 1),
        "speedup_full_run_vs_loop": round(speedup_full, 1),
        "speedup_vs_numpy_element_loop": round(speedup_np, 1),
        "n_employees": n, "synth_s": round(synth_s, 3), "scenario_s": round(scenario_s, 3),
        "simulate_s": round(simulate_s, 3), "score_s": round(score_s, 3),
        "import_s": round(IMPORT_S, 3), "loop_sample": k, "loop_s": round(loop_s, 3),
        "vectorised_sample_s": round(vec_s, 5), "moved_by_curve": moved,
        "predikat_match": bool(pred_ok), "tpp_match": bool(tpp_ok),
    }
    print(json.dumps(out))
    return 0 if pred_ok and tpp_ok else 1


if __name__ == "__main__":
    sys.exit(main())
