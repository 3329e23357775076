"""Benchmark: behaviour over periods, vectorised engine vs. two Mesa ABMs of the same model.

Run from the repository root (needs the ``bench`` extra: ``pip install -e .[bench]``)::

    .venv/bin/python benchmarks/dynamics.py            # Binjai, 8 periods x 20 replications

1. Setup (untimed): the Binjai workforce (``synthesize("binjai", observed=False)``) and the two
   scenarios ``status_quo`` and ``kpi_objektif_binjai_rollout``.
2. Exact check (before any timing) of the shared-measurement Mesa model
   (``benchmarks/mesa_model.py``, ``BehaviourModel``): it runs both scenarios on the engine's
   seed at ``--check-replications`` and draws every random number from the engine's own streams
   in the same order, so the two share common random numbers and differ only by floating-point
   rounding (~1e-15 per employee). The mean effort trajectory (mean over employees and
   replications of effort per period) must agree within ``EFFORT_TOLERANCE`` = 1e-9, else exit 1.
3. Vectorised timing: ``simulate(workforce, scenario, seed, periods, replications)`` for both
   scenarios, ``--repeats`` times; ``wall_s`` is the median of the two-scenario totals.
4. Mesa timing, shared measurement (``BehaviourModel``): per-agent behaviour, model-level
   vectorised measurement on common random numbers; the timed run is checked exactly again.
   Its ratio is ``speedup_vs_mesa_shared_measurement``.
5. Mesa timing, full per-agent model (``benchmarks/mesa_model_full.py``,
   ``FullBehaviourModel``), the straightforward ABM and the ratio ``speedup_vs_mesa``: each agent
   responds *and* measures itself (IKI realisations, BerAKHLAK and quality ratings, time,
   attendance, innovation) in plain Python with scalar draws from Mesa's model rng; only the
   scheme/curve/TPP scoring and the group statistics stay at model level (vectorised). Its
   random streams differ from the engine's, so its check is statistical, on the timed runs:
   per period, |mean effort (Mesa) - mean effort (engine)| <= c x SE + 1e-9, where SE is the
   Monte-Carlo standard error of the difference of the two means from the spread of the
   per-replication means (pooled over both, as the same model has the same spread) and c is the
   two-sided 1e-4 quantile of Student's t with R_engine + R_mesa - 2 degrees of freedom (4.35 at
   20 + 20 replications); the 1e-9 covers period 0, which has no randomness in effort. The final
   period's predikat shares must agree the same way (per category, SE from the per-replication
   shares, floored at the binomial SE sqrt(p(1-p)/n)). Failing either exits 1.

``--mesa-replications k`` runs both Mesa models at k replications and scales their times
linearly to ``--replications`` (the output says so); by default they run all of them.

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
from mesa_model_full import FullBehaviourModel
from scipy.stats import t as student_t

import kinerja_sim.behaviour as bh
from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate
from kinerja_sim.workforce import synthesize

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("status_quo", "kpi_objektif_binjai_rollout")
EFFORT_TOLERANCE = 1e-9  # absolute, on the mean effort of each period (effort in SD units)
STAT_P = 1e-4  # two-sided false-alarm probability per compared quantity (statistical check)
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


def final_shares(panel_predikat: np.ndarray, n_codes: int = 5) -> np.ndarray:
    """Share of employees in each predikat in the final period, per replication: (R, codes)."""
    last = panel_predikat[:, -1, :].astype(np.int64)
    return np.stack([(last == c).mean(axis=1) for c in range(n_codes)], axis=1)


def compare(name: str, vec: np.ndarray, abm: np.ndarray) -> dict:
    """Exact (common random numbers) effort agreement of two ``panel["effort"]`` arrays
    (replications, periods, n)."""
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


def two_sample(x: np.ndarray, y: np.ndarray, binomial_n: int | None = None):
    """Difference of the means of per-replication values ``x`` (R1, m) and ``y`` (R2, m), its
    Monte-Carlo standard error (pooled per-replication SD, as under the null both come from the
    same model) and the critical multiple c (two-sided ``STAT_P`` quantile of Student's t with
    R1 + R2 - 2 df). ``binomial_n``: floor the SD at the binomial sqrt(p(1-p)/n) (shares)."""
    r1, r2 = x.shape[0], y.shape[0]
    df = r1 + r2 - 2
    if df < 1:
        raise ValueError("the statistical check needs at least 3 replications in all")
    ss = (((x - x.mean(axis=0)) ** 2).sum(axis=0) + ((y - y.mean(axis=0)) ** 2).sum(axis=0))
    sd = np.sqrt(ss / df)
    if binomial_n is not None:
        p = (x.sum(axis=0) + y.sum(axis=0)) / (r1 + r2)
        sd = np.maximum(sd, np.sqrt(p * (1 - p) / binomial_n))
    se = sd * np.sqrt(1 / r1 + 1 / r2)
    return y.mean(axis=0) - x.mean(axis=0), se, float(student_t.ppf(1 - STAT_P / 2, df))


def compare_statistical(name: str, vec: dict, abm_effort: np.ndarray,
                        abm_predikat: np.ndarray) -> dict:
    """Statistical agreement of the full per-agent Mesa model with the engine (independent
    random streams): mean effort per period and final predikat shares."""
    ve, ae = vec["effort"].mean(axis=2), abm_effort.mean(axis=2)  # (R, periods)
    diff, se, c = two_sample(ve, ae)
    tol = c * se + EFFORT_TOLERANCE
    n = abm_effort.shape[2]
    vs, as_ = final_shares(vec["predikat"]), final_shares(abm_predikat)
    sdiff, sse, _ = two_sample(vs, as_, binomial_n=n)
    stol = c * sse
    out = {
        "scenario": name, "replications": (ve.shape[0], ae.shape[0]), "critical": c,
        "vectorised": ve.mean(axis=0), "mesa": ae.mean(axis=0), "diff": diff, "se": se,
        "tol": tol, "shares_vectorised": vs.mean(axis=0), "shares_mesa": as_.mean(axis=0),
        "share_diff": sdiff, "share_se": sse, "share_tol": stol,
        "max_abs_mean_effort_diff": float(np.abs(diff).max()),
        "max_effort_diff_over_tol": float((np.abs(diff) / tol).max()),
        "max_abs_share_diff": float(np.abs(sdiff).max()),
        "max_share_diff_over_tol": float(np.max(np.abs(sdiff) / np.maximum(stol, 1e-300))),
    }
    out["passed"] = bool(np.all(np.isfinite(ae)) and np.all(np.abs(diff) <= tol)
                         and np.all(np.abs(sdiff) <= stol))
    return out


def print_statistical(c: dict) -> None:
    r1, r2 = c["replications"]
    print(f"  {c['scenario']} (engine {r1} vs Mesa {r2} replications, independent random "
          f"streams; tolerance {c['critical']:.2f} x SE + {EFFORT_TOLERANCE:.0e}) -> "
          f"{'OK' if c['passed'] else 'FAILED'}")
    print("    mean effort, vectorised: " + " ".join(f"{x:+.4f}" for x in c["vectorised"]))
    print("    mean effort, mesa      : " + " ".join(f"{x:+.4f}" for x in c["mesa"]))
    print("    |diff| / SE            : " + " ".join(
        "  (0)  " if s == 0 else f"{abs(d) / s:7.2f}" for d, s in zip(c["diff"], c["se"],
                                                                       strict=True)))
    print(f"    max |diff| {c['max_abs_mean_effort_diff']:.1e}, max |diff|/tolerance "
          f"{c['max_effort_diff_over_tol']:.2f}")
    print("    final predikat shares (codes 0..4), vectorised: "
          + " ".join(f"{x:.4f}" for x in c["shares_vectorised"]))
    print("                                        mesa      : "
          + " ".join(f"{x:.4f}" for x in c["shares_mesa"]))
    print(f"    max |share diff| {c['max_abs_share_diff']:.4f}, max |diff|/tolerance "
          f"{c['max_share_diff_over_tol']:.2f}")


def fail(msg: str, result: dict) -> None:
    print(f"EFFORT CHECK FAILED: {msg}", file=sys.stderr)
    print(json.dumps({**result, "effort_check_passed": False}))
    sys.exit(1)


def run_mesa(label: str, cls, wf, scenarios, seed: int, P: int, R_mesa: int) -> dict:
    """Build and run ``cls`` for every scenario; wall times and the panels the checks need."""
    total, agents_s, model_s, panels = 0.0, 0.0, 0.0, {}
    for sc in scenarios:
        gc.collect()
        t = time.perf_counter()
        model = cls(wf, sc, seed, periods=P, replications=R_mesa).run()
        dt = time.perf_counter() - t
        total += dt
        agents_s += model.time_agents_s
        model_s += model.time_model_s
        panels[sc.name] = {"effort": model.panel["effort"],
                           "predikat": model.panel["predikat"][:, -1:, :].copy()}
        print(f"  {sc.name}: {dt:.2f} s (agent layer {model.time_agents_s:.2f} s, model level "
              f"{label} {model.time_model_s:.2f} s)")
        del model
        gc.collect()
    return {"s": total, "agents_s": agents_s, "model_s": model_s, "panels": panels}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None,
                    help="rescale the Binjai profile to about n employees (default: as profiled)")
    ap.add_argument("--periods", type=int, default=8)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--mesa-replications", type=int, default=None,
                    help="replications for the timed Mesa runs (default: --replications); "
                         "fewer are scaled linearly")
    ap.add_argument("--check-replications", type=int, default=2,
                    help="replications for the pre-timing exact check of the shared-measurement "
                         "Mesa model")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the vectorised timing")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args(argv)
    if a.periods < 2:
        ap.error("--periods must be >= 2 (simulate returns a Simulation for several periods)")
    R, P, seed = a.replications, a.periods, a.seed
    R_mesa = min(a.mesa_replications or R, R)
    if R < 2:
        ap.error("--replications must be >= 2 (the statistical check needs the engine's spread)")

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

    # ---- 1. exact check of the shared-measurement Mesa model, before timing
    print(f"\n[check] vectorised engine vs Mesa ABM with shared measurement, "
          f"{a.check_replications} replications, common random numbers (same seed and streams):")
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
    ref: dict[str, dict] = {}  # what the checks need from the timed runs
    for rep in range(a.repeats):
        acc = [0.0]
        total = 0.0
        with timed_behaviour_layer(acc):
            for sc in scenarios:
                ref.pop(sc.name, None)
                gc.collect()
                t = time.perf_counter()
                sim = simulate(wf, sc, seed=seed, periods=P, replications=R)
                dt = time.perf_counter() - t
                total += dt
                per_scenario.setdefault(sc.name, []).append(dt)
                ref[sc.name] = {"effort": sim.panel["effort"],
                                "predikat": sim.panel["predikat"][:, -1:, :].copy()}
                del sim
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

    scaled = R_mesa < R
    factor = R / R_mesa

    def scaled_note(measured: float) -> float:
        if scaled:
            print(f"  NOTE: Mesa ran {R_mesa} of {R} replications; times are scaled linearly "
                  f"x{factor:g} to {R} replications: {measured:.1f} s -> "
                  f"{measured * factor:.1f} s")
        return measured * factor

    # ---- 3. Mesa ABM with shared (model-level, vectorised) measurement, timed
    print(f"\n[mesa, shared measurement] BehaviourModel: one mesa.Agent per employee x "
          f"replication ({R_mesa} replications stacked in one model = {R_mesa * wf.n} agents), "
          "per-agent step()/learn() = behaviour in plain Python; measurement, scoring and group "
          "statistics at model level with kinerja_sim's vectorised functions on the engine's "
          "random streams; time includes building the agents:")
    shared = run_mesa("vectorised measurement/scoring", BehaviourModel, wf, scenarios, seed, P,
                      R_mesa)
    shared_wall_s = scaled_note(shared["s"])
    print(f"  Mesa (shared measurement) wall time, both scenarios, {R} replications: "
          f"{shared_wall_s:.1f} s")
    print("  timed run vs vectorised engine (same seed; common random numbers):")
    shared_checks = []
    for sc in scenarios:
        if scaled:
            vec = simulate(wf, sc, seed=seed, periods=P, replications=R_mesa).panel["effort"]
        else:
            vec = ref[sc.name]["effort"]
        shared_checks.append(compare(sc.name, vec, shared["panels"][sc.name]["effort"]))
        print_comparison(shared_checks[-1])
    shared.pop("panels")
    result["max_abs_mean_effort_diff"] = max(
        result["max_abs_mean_effort_diff"], *(c["max_abs_mean_effort_diff"] for c in shared_checks))
    result["max_abs_effort_diff"] = max(result["max_abs_effort_diff"],
                                        *(c["max_abs_effort_diff"] for c in shared_checks))

    # ---- 4. the full per-agent Mesa ABM, timed
    print(f"\n[mesa, full per-agent] FullBehaviourModel: {R_mesa * wf.n} agents; each "
          "step() = behaviour + the agent's own measurement (IKI realisations, BerAKHLAK and "
          "quality ratings, time, attendance, innovation) in plain Python with scalar draws "
          "from the model's numpy Generator; the model gathers the measurements and scores "
          "them with kinerja_sim's scheme (score_period) and computes the group statistics; "
          "time includes building the agents:")
    full = run_mesa("scoring + group statistics", FullBehaviourModel, wf, scenarios, seed, P,
                    R_mesa)
    full_wall_s = scaled_note(full["s"])
    print(f"  Mesa (full per-agent) wall time, both scenarios, {R} replications: "
          f"{full_wall_s:.1f} s")
    print("  timed run vs the engine's timed run (statistical: independent random streams):")
    full_checks = []
    for sc in scenarios:
        p = full["panels"][sc.name]
        full_checks.append(compare_statistical(sc.name, ref[sc.name], p["effort"],
                                               p["predikat"]))
        print_statistical(full_checks[-1])
    full.pop("panels")
    ref.clear()
    gc.collect()

    result.update({
        "wall_s": round(wall_s, 3), "wall_min_s": round(min(totals), 3),
        "wall_per_scenario_s": {k: round(statistics.median(v), 3)
                                for k, v in per_scenario.items()},
        "repeats": a.repeats, "target_s": TARGET_S, "target_met": wall_s <= TARGET_S,
        "mesa_replications": R_mesa, "mesa_scaled_linearly": scaled,
        "full_check_critical_se": round(full_checks[0]["critical"], 3),
        "full_max_abs_mean_effort_diff": max(c["max_abs_mean_effort_diff"] for c in full_checks),
        "full_max_effort_diff_over_tolerance": round(
            max(c["max_effort_diff_over_tol"] for c in full_checks), 3),
        "full_max_abs_predikat_share_diff": round(
            max(c["max_abs_share_diff"] for c in full_checks), 5),
        "full_max_predikat_share_diff_over_tolerance": round(
            max(c["max_share_diff_over_tol"] for c in full_checks), 3),
    })
    if not all(c["passed"] for c in shared_checks):
        fail("timed shared-measurement Mesa run's mean effort trajectory differs from the "
             "engine's", result)
    if not all(c["passed"] for c in full_checks):
        fail("full per-agent Mesa model disagrees with the engine beyond Monte-Carlo error",
             result)

    speedup = full_wall_s / wall_s
    speedup_shared = shared_wall_s / wall_s
    layer_speedup = (shared["agents_s"] * factor) / vec_layer_s
    print(f"\nspeed-up of the vectorised engine ({wall_s:.2f} s, both scenarios):")
    print(f"  over the full per-agent Mesa ABM ({full_wall_s:.1f} s): {speedup:.1f}x   "
          "<- speedup_vs_mesa")
    print(f"  over the Mesa ABM with shared vectorised measurement ({shared_wall_s:.1f} s): "
          f"{speedup_shared:.1f}x   <- speedup_vs_mesa_shared_measurement")
    print(f"  behaviour layer alone: Mesa agents {shared['agents_s'] * factor:.1f} s vs "
          f"behaviour.respond+learn {vec_layer_s:.2f} s = {layer_speedup:.0f}x")
    result.update({
        "speedup_vs_mesa": round(speedup, 2),
        "speedup_vs_mesa_shared_measurement": round(speedup_shared, 2),
        "mesa_wall_s": round(full_wall_s, 2), "mesa_measured_s": round(full["s"], 2),
        "mesa_agent_layer_s": round(full["agents_s"] * factor, 2),
        "mesa_model_level_s": round(full["model_s"] * factor, 2),
        "mesa_shared_measurement_wall_s": round(shared_wall_s, 2),
        "mesa_shared_measurement_measured_s": round(shared["s"], 2),
        "mesa_shared_measurement_agent_layer_s": round(shared["agents_s"] * factor, 2),
        "mesa_shared_measurement_model_level_s": round(shared["model_s"] * factor, 2),
        "vectorised_behaviour_layer_s": round(vec_layer_s, 3),
        "behaviour_layer_speedup": round(layer_speedup, 1),
        "setup_s": round(setup_s, 3),
        "effort_check_passed": True,
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
