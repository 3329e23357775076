"""Benchmark: behaviour over periods, vectorised engine vs. a straightforward Mesa ABM.

Run from the repository root (needs the ``bench`` extra: ``pip install -e .[bench]``)::

    .venv/bin/python benchmarks/dynamics.py            # Binjai, 8 periods x 20 replications

1. Setup (untimed): the Binjai workforce (``synthesize("binjai", observed=False)``) and the two
   scenarios ``status_quo`` and ``kpi_objektif_binjai_rollout``.
2. Check (before any timing): both implementations run both scenarios on the same seed at
   ``--check-replications``; the mean effort trajectory (mean over employees and replications
   of effort per period) must agree within ``EFFORT_TOLERANCE``, else exit 1. The Mesa model
   (``benchmarks/mesa_model.py``) draws every random number from the engine's own streams in
   the same order, so the two share common random numbers and differ only by floating-point
   rounding (per-agent ``np.linalg.solve`` vs the engine's grouped inverse, ``math.erfc`` /
   ``math.exp`` vs ``scipy.special.ndtr`` / ``expit``): observed differences are ~1e-15 per
   employee. The tolerance 1e-9 is far above that and ~6 orders of magnitude below the
   Monte-Carlo standard error of the mean (~1e-3), so any difference in the model or in the
   random numbers fails it.
3. Vectorised timing: ``simulate(workforce, scenario, seed, periods, replications)`` for both
   scenarios, ``--repeats`` times; ``wall_s`` is the median of the two-scenario totals.
4. Mesa timing: build + run ``BehaviourModel`` for both scenarios at ``--mesa-replications``
   (default: all replications, stacked in one model of replications x n agents). If fewer, the
   Mesa time is scaled linearly to ``--replications`` and the output says so. The timed Mesa
   run is also checked against the engine (same seed, same replications).

In the Mesa model each agent does the per-employee behaviour in plain Python (``respond`` and
``learn``); measurement, scoring and group statistics are done at model level with the
package's vectorised functions on arrays gathered from the agents, as in the engine. So the
comparison is the per-agent behaviour layer plus the engine around it.

The last printed line is JSON (``wall_s``, ``speedup_vs_mesa``, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import statistics
import sys
import time
from pathlib import Path

import mesa
import numpy as np
from mesa_model import BehaviourModel  # benchmarks/ is on sys.path when run as a script

import kinerja_sim.behaviour as bh
from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate
from kinerja_sim.workforce import synthesize

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("status_quo", "kpi_objektif_binjai_rollout")
EFFORT_TOLERANCE = 1e-9  # absolute, on the mean effort of each period (effort in SD units)
TARGET_S = 10.0


@contextlib.contextmanager
def timed_behaviour_layer(acc: list[float]):
    """Accumulate the engine's time inside ``behaviour.respond`` and ``behaviour.learn``
    (the engine calls them through the module, so wrapping the module attributes sees them)."""
    orig = bh.respond, bh.learn

    def wrap(fn):
        def inner(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[0] += time.perf_counter() - t0
        return inner

    bh.respond, bh.learn = wrap(orig[0]), wrap(orig[1])
    try:
        yield
    finally:
        bh.respond, bh.learn = orig


def mean_effort(panel_effort: np.ndarray) -> np.ndarray:
    """Mean over replications and employees of effort, per period: (periods,)."""
    return panel_effort.mean(axis=(0, 2))


def compare(name: str, vec: np.ndarray, abm: np.ndarray) -> dict:
    """Effort agreement of two ``panel["effort"]`` arrays (replications, periods, n)."""
    mv, ma = mean_effort(vec), mean_effort(abm)
    r = vec.shape[0]
    se = vec.mean(axis=2).std(axis=0, ddof=1) / np.sqrt(r) if r > 1 else np.full(mv.size, np.nan)
    out = {
        "scenario": name, "replications": r,
        "max_abs_mean_effort_diff": float(np.abs(mv - ma).max()),
        "max_abs_effort_diff": float(np.abs(vec - abm).max()),
        "mc_se_mean_effort": float(np.nanmax(se)) if r > 1 else None,
        "vectorised": mv, "mesa": ma,
    }
    out["passed"] = bool(np.all(np.isfinite(ma)) and out["max_abs_mean_effort_diff"]
                         <= EFFORT_TOLERANCE)
    return out


def print_comparison(c: dict) -> None:
    se = "" if c["mc_se_mean_effort"] is None else \
        f", Monte-Carlo SE of the mean ~{c['mc_se_mean_effort']:.1e}"
    print(f"  {c['scenario']} ({c['replications']} replication(s)): max |diff| of mean effort "
          f"{c['max_abs_mean_effort_diff']:.1e} (tolerance {EFFORT_TOLERANCE:.0e}), "
          f"per employee-period {c['max_abs_effort_diff']:.1e}{se} -> "
          f"{'OK' if c['passed'] else 'FAILED'}")
    print("    vectorised: " + " ".join(f"{x:+.4f}" for x in c["vectorised"]))
    print("    mesa      : " + " ".join(f"{x:+.4f}" for x in c["mesa"]))


def fail(msg: str, result: dict) -> None:
    print(f"EFFORT CHECK FAILED: {msg}", file=sys.stderr)
    print(json.dumps({**result, "effort_check_passed": False}))
    sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None,
                    help="rescale the Binjai profile to about n employees (default: as profiled)")
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--mesa-replications", type=int, default=None,
                    help="replications for the timed Mesa run (default: --replications); "
                         "fewer are scaled linearly")
    ap.add_argument("--check-replications", type=int, default=2,
                    help="replications for the pre-timing agreement check")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the vectorised timing")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args(argv)
    if a.periods < 2:
        ap.error("--periods must be >= 2 (simulate returns a Simulation for several periods)")
    R, P, seed = a.replications, a.periods, a.seed
    R_mesa = min(a.mesa_replications or R, R)

    t0 = time.perf_counter()
    wf = synthesize("binjai", n=a.n, observed=False)
    scenarios = [load_scenario(ROOT / "scenarios" / f"{s}.yaml") for s in SCENARIOS]
    setup_s = time.perf_counter() - t0
    print(f"kinerja_sim dynamics benchmark: Binjai workforce n={wf.n}, {P} periods, scenarios "
          f"{', '.join(SCENARIOS)}, seed {seed} (mesa {mesa.__version__}, numpy "
          f"{np.__version__}, python {sys.version.split()[0]})")
    print(f"setup (workforce + scenarios, untimed): {setup_s:.2f} s")
    result: dict = {"n_employees": wf.n, "periods": P, "replications": R, "seed": seed,
                    "effort_tolerance": EFFORT_TOLERANCE}

    # ---- 1. agreement check before timing
    print(f"\n[check] vectorised engine vs Mesa ABM, {a.check_replications} replications, "
          "common random numbers (same seed and streams):")
    checks = []
    for sc in scenarios:
        vec = simulate(wf, sc, seed=seed, periods=P, replications=a.check_replications)
        model = BehaviourModel(wf, sc, seed, periods=P, replications=a.check_replications).run()
        checks.append(compare(sc.name, vec.panel["effort"], model.panel["effort"]))
        print_comparison(checks[-1])
        del model, vec
        gc.collect()
    result["max_abs_mean_effort_diff"] = max(c["max_abs_mean_effort_diff"] for c in checks)
    result["max_abs_effort_diff"] = max(c["max_abs_effort_diff"] for c in checks)
    if not all(c["passed"] for c in checks):
        fail("mean effort trajectories differ (see above)", result)

    # ---- 2. vectorised engine, both scenarios, timed
    print(f"\n[vectorised] simulate(..., periods={P}, replications={R}) x 2 scenarios, "
          f"{a.repeats} repeat(s):")
    totals, per_scenario, layer = [], {}, []
    sims = {}
    for rep in range(a.repeats):
        acc = [0.0]
        total = 0.0
        with timed_behaviour_layer(acc):
            for sc in scenarios:
                gc.collect()
                t = time.perf_counter()
                sims[sc.name] = simulate(wf, sc, seed=seed, periods=P, replications=R)
                dt = time.perf_counter() - t
                total += dt
                per_scenario.setdefault(sc.name, []).append(dt)
        totals.append(total)
        layer.append(acc[0])
        print(f"  repeat {rep + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s"
                                                  for k, v in per_scenario.items())
              + f"; both {total:.2f} s (of which behaviour.respond+learn {acc[0]:.2f} s)")
    wall_s = statistics.median(totals)
    vec_layer_s = statistics.median(layer)
    print(f"  wall time, both scenarios (median of {a.repeats}): {wall_s:.2f} s "
          f"(min {min(totals):.2f} s) - target <= {TARGET_S:.0f} s: "
          f"{'met' if wall_s <= TARGET_S else 'NOT met'}")

    # ---- 3. Mesa ABM, both scenarios, timed
    scaled = R_mesa < R
    print(f"\n[mesa] BehaviourModel: one mesa.Agent per employee x replication "
          f"({R_mesa} replications stacked in one model = {R_mesa * wf.n} agents), "
          "per-agent step()/learn() in plain Python; measurement, scoring and group statistics "
          "at model level with kinerja_sim's vectorised functions on arrays gathered from the "
          "agents; time includes building the agents:")
    mesa_s, mesa_agents_s, mesa_model_s, mesa_checks = 0.0, 0.0, 0.0, []
    for sc in scenarios:
        gc.collect()
        t = time.perf_counter()
        model = BehaviourModel(wf, sc, seed, periods=P, replications=R_mesa).run()
        dt = time.perf_counter() - t
        mesa_s += dt
        mesa_agents_s += model.time_agents_s
        mesa_model_s += model.time_model_s
        print(f"  {sc.name}: {dt:.2f} s (agent layer {model.time_agents_s:.2f} s, model-level "
              f"vectorised measurement/scoring {model.time_model_s:.2f} s)")
        ref = sims[sc.name] if not scaled else \
            simulate(wf, sc, seed=seed, periods=P, replications=R_mesa)
        mesa_checks.append(compare(sc.name, ref.panel["effort"], model.panel["effort"]))
        del model, ref
    sims.clear()
    gc.collect()
    factor = R / R_mesa
    mesa_wall_s = mesa_s * factor
    if scaled:
        print(f"  NOTE: Mesa ran {R_mesa} of {R} replications; times are scaled linearly "
              f"x{factor:g} to {R} replications: {mesa_s:.1f} s -> {mesa_wall_s:.1f} s")
    print(f"  Mesa wall time, both scenarios, {R} replications: {mesa_wall_s:.1f} s")
    print("  timed Mesa run vs vectorised engine (same seed and replications):")
    for c in mesa_checks:
        print_comparison(c)
    result["max_abs_mean_effort_diff"] = max(result["max_abs_mean_effort_diff"],
                                             *(c["max_abs_mean_effort_diff"] for c in mesa_checks))
    result["max_abs_effort_diff"] = max(result["max_abs_effort_diff"],
                                        *(c["max_abs_effort_diff"] for c in mesa_checks))

    speedup = mesa_wall_s / wall_s
    layer_speedup = (mesa_agents_s * factor) / vec_layer_s
    print(f"\nspeed-up of the vectorised engine over the Mesa ABM: {speedup:.1f}x "
          f"(behaviour layer alone: Mesa agents {mesa_agents_s * factor:.1f} s vs "
          f"behaviour.respond+learn {vec_layer_s:.2f} s = {layer_speedup:.0f}x)")
    result.update({
        "wall_s": round(wall_s, 3), "wall_min_s": round(min(totals), 3),
        "wall_per_scenario_s": {k: round(statistics.median(v), 3)
                                for k, v in per_scenario.items()},
        "repeats": a.repeats, "target_s": TARGET_S, "target_met": wall_s <= TARGET_S,
        "speedup_vs_mesa": round(speedup, 2),
        "mesa_wall_s": round(mesa_wall_s, 2), "mesa_measured_s": round(mesa_s, 2),
        "mesa_replications": R_mesa, "mesa_scaled_linearly": scaled,
        "mesa_agent_layer_s": round(mesa_agents_s * factor, 2),
        "mesa_model_level_s": round(mesa_model_s * factor, 2),
        "vectorised_behaviour_layer_s": round(vec_layer_s, 3),
        "behaviour_layer_speedup": round(layer_speedup, 1),
        "setup_s": round(setup_s, 3),
    })
    if not all(c["passed"] for c in mesa_checks):
        fail("timed Mesa run's mean effort trajectory differs from the engine's", result)
    result["effort_check_passed"] = True
    print(json.dumps(result))


if __name__ == "__main__":
    main()
