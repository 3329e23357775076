"""Field-by-field check of the full per-agent Mesa model's measurement against the engine's.

``benchmarks/dynamics.py`` checks the full per-agent model (``mesa_model_full.py``) on the
mean effort trajectory and the final predikat shares. Those move only when a measurement error
changes the scores materially, so this script compares the measured data themselves: for the
first ``--periods`` periods of both scenarios it captures the ``Measurements`` each
implementation hands to ``score_period`` and compares, per indicator, the mean and SD of the
log realisation, the share not reported, the quality judgement, the time realisation and the
scored target, and overall the 7 BerAKHLAK ratings, absences, late arrivals per band and the
innovation condition. Each comparison is two z statistics, of the difference of the two means
and of the two SDs, with the standard error from the spread of the per-replication means / SDs
(raters are shared within a replication, so employees are not independent). Run from the
repository root::

    .venv/bin/python benchmarks/mesa_full_fields.py          # Binjai, 40 replications, ~2 min

Exit 1 if any |z| exceeds ``--max-z`` (default 4.5: with ~600 z statistics, a false alarm
about once in 250 runs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from mesa_model_full import FullBehaviourModel  # benchmarks/ is on sys.path

import kinerja_sim.scoring  # noqa: F401  (score_period is spied on there)
from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate as ks_simulate
from kinerja_sim.workforce import synthesize

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("status_quo", "kpi_objektif_binjai_rollout")
ks = sys.modules["kinerja_sim.scoring"]
mf = sys.modules["mesa_model_full"]


def captured(run, module) -> list:
    """The ``Measurements`` of every ``score_period`` call made by ``run()``."""
    out, orig = [], module.score_period

    def spy(m, org, sc):
        out.append(m)
        return orig(m, org, sc)

    module.score_period = spy
    try:
        run()
    finally:
        module.score_period = orig
    return out


def _z(rx: np.ndarray, ry: np.ndarray) -> float:
    """z of the difference of the means of two sets of per-replication statistics."""
    se = np.sqrt(rx.var(ddof=1) / rx.size + ry.var(ddof=1) / ry.size)
    return 0.0 if se == 0 else float((rx.mean() - ry.mean()) / se)


def z_stat(x: np.ndarray, y: np.ndarray, r: int) -> tuple[float, ...]:
    """Means and SDs of two flattened samples of r replications, and the replication-level
    z of the difference of the means and of the SDs."""
    xr, yr = x.reshape(r, -1), y.reshape(r, -1)
    z_mean = _z(np.nanmean(xr, axis=1), np.nanmean(yr, axis=1))
    z_sd = _z(np.nanstd(xr, axis=1), np.nanstd(yr, axis=1))
    return (float(np.nanmean(x)), float(np.nanmean(y)), float(np.nanstd(x)),
            float(np.nanstd(y)), z_mean, z_sd)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--replications", type=int, default=40)
    ap.add_argument("--periods", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--max-z", type=float, default=4.5)
    a = ap.parse_args(argv)
    R, P = a.replications, max(a.periods, 2)
    wf = synthesize("binjai", n=a.n, observed=False)
    zs = []
    for name in SCENARIOS:
        sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        vec = captured(lambda sc=sc: ks_simulate(wf, sc, seed=a.seed, periods=P, replications=R),
                       ks)
        abm = captured(lambda sc=sc: FullBehaviourModel(wf, sc, a.seed + 1, periods=P,
                                                        replications=R).run(), mf)
        print(f"== {name}: engine (seed {a.seed}) vs full per-agent Mesa (seed {a.seed + 1}), "
              f"{R} replications x n={wf.n}; columns: mean engine, mean Mesa, SD engine, "
              "SD Mesa, z of the means, z of the SDs")
        for t in range(P):
            x, y = vec[t], abm[t]
            assert np.array_equal(x.indicator, y.indicator)
            rows = []
            for c in np.unique(x.indicator[x.indicator >= 0]):
                h = x.indicator == c
                nm = x.indicator_names[c]
                with np.errstate(invalid="ignore"):
                    rows += [(f"log realisation {nm}", np.log(x.realisation[h]),
                              np.log(y.realisation[h])),
                             (f"not reported {nm}", np.isnan(x.realisation[h]),
                              np.isnan(y.realisation[h])),
                             (f"quality {nm}", x.quality[h], y.quality[h]),
                             (f"time {nm}", x.time_realisation[h], y.time_realisation[h]),
                             (f"target {nm}", x.target[h], y.target[h])]
            rows += [(f"perilaku {d}", x.perilaku[:, d], y.perilaku[:, d]) for d in range(7)]
            rows += [("perilaku mean of 7", x.perilaku.mean(axis=1), y.perilaku.mean(axis=1)),
                     ("days absent", x.days_absent, y.days_absent)]
            rows += [(f"late band {b + 1}", x.late[:, b], y.late[:, b]) for b in range(4)]
            rows += [("innovation", x.innovation, y.innovation)]
            for label, xv, yv in rows:
                mx, my, sx, sy, zm, zsd = z_stat(np.asarray(xv, float), np.asarray(yv, float),
                                                 R)
                zs += [zm, zsd]
                flag = "  <<<" if max(abs(zm), abs(zsd)) > a.max_z else ""
                print(f"  t{t} {label:40s} {mx:11.5g} {my:11.5g} {sx:9.4g} {sy:9.4g} "
                      f"{zm:+6.2f} {zsd:+6.2f}{flag}")
    z = np.abs(np.array(zs))
    print(f"\n{z.size} comparisons: |z| > 2 in {int((z > 2).sum())} (about "
          f"{0.0455 * z.size:.0f} expected by chance), > 3 in {int((z > 3).sum())} (about "
          f"{0.0027 * z.size:.1f}), max |z| {z.max():.2f} (limit {a.max_z})")
    if z.max() > a.max_z:
        print("MEASUREMENT CHECK FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
