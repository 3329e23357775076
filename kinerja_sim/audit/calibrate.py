"""Calibrate the simulation's measurement parameters to a real appraisal file.

What one file identifies (docs/audit.md §Calibration):

* **Data quality, closed form.** The missing rate is the share of used IKI slots with an empty
  realisation; the mis-entry rate the share whose log(realisasi/target) sits more than
  log(10)/2 from the indicator's median (the model's decimal slip is x10 or /10; only
  indicators without a physical maximum, where a x10 slip is not capped away).
* **Target padding, closed form.** Under the measurement model (indicators.yaml) the
  direction-signed log(realisasi/target) has mean ``-target_ambition + p_inflated *
  log(inflation_factor)`` over clean slots, so ``target_ambition = -(mean - inflation term)``
  (inflation held at the base scenario's values, which one period cannot separate from noise).
* **Rater model, simulated method of moments.** Four moments of the BerAKHLAK ratings -- the
  mean, the mean within-employee variance across the seven values, the pooled within-rater
  variance of employee means and the between-rater variance of rater means (net of its
  sampling part) -- are matched with ``scipy.optimize.least_squares`` by
  (leniency_mean, leniency_sd, central_tendency_mean, halo_sd), simulating the file's own
  rater structure with common random numbers (the same draws for every trial value, so the
  objective is smooth). Clipping at 0/100 and the compression floor are handled because the
  simulation applies them.

Intervals: a cluster bootstrap (units for data quality and padding, raters for the rating
moments; Cameron, Gelbach & Miller 2008); for the SMM parameters the moment covariance is
carried through the Jacobian, inflated by ``1 + 1/S`` for S simulated copies (McFadden 1989).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kinerja_sim import raters as rt
from kinerja_sim.audit.common import param, slots
from kinerja_sim.audit.curve import scored
from kinerja_sim.provenance import workforce_hash
from kinerja_sim.scenario import Scenario, find_scenario, load_scenario
from kinerja_sim.workforce.model import TaskPlan, Workforce
from kinerja_sim.workforce.observed import observe, with_latent

RATER_KEYS = ("leniency_mean", "leniency_sd", "central_tendency_mean", "halo_sd")
SLIP = np.log(10.0) / 2
#: Parameters one file cannot identify, with the reason (label keys calibrate.why.<name>).
UNIDENTIFIED = {"raters.center": "center", "raters.points_per_sd": "points_per_sd",
                "raters.value_specific_sd": "error_sd", "raters.error_sd": "error_sd",
                "raters.central_tendency_sd": "central_tendency_sd",
                "raters.true_behaviour": "true_behaviour",
                "measurement.defaults.data_quality.inflated": "inflated",
                "measurement.indicators.*": "indicators", "behaviour.*": "behaviour",
                "rollout.*": "behaviour"}


@dataclass
class Estimate:
    key: str  # dotted scenario key path
    value: float
    low: float
    high: float
    n: int
    n_what: str  # "employees", "slots", "raters"


@dataclass
class Calibration:
    estimates: list[Estimate]
    base: Scenario
    base_ref: str
    file_id: str
    n: int
    predikat_shares: pd.Series
    ppc: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: list[str] = field(default_factory=list)

    def overrides(self) -> dict[str, float]:
        return {e.key: e.value for e in self.estimates}


# ---------------------------------------------------------------- data quality and padding

def _dq_and_padding(wf: Workforce, base: Scenario, rng: np.random.Generator, B: int,
                    level: float) -> tuple[list[Estimate], list[str]]:
    cat = base.catalogue
    f = slots(wf, cat).frame
    med = f.groupby("code")["log_ratio"].transform("median")
    f["slip"] = (f["log_ratio"] - med).abs() > SLIP
    f["uncapped"] = ~np.isfinite(f["max_value"])
    own = {name: i.data_quality for name, i in cat.indicators.items()
           if i.data_quality is not None}
    defaults = cat.defaults.data_quality
    dq_of = {name: own.get(name, defaults) for name in cat.indicators}
    f["p_inf"] = f["indicator"].map({k: v.inflated for k, v in dq_of.items()})
    f["log_f"] = f["indicator"].map({k: np.log(v.inflation_factor) for k, v in dq_of.items()})
    units, ucode = np.unique(f["opd"] + "\x00" + f["unit"], return_inverse=True)
    U = len(units)
    W = np.vstack([np.ones(U), rng.multinomial(U, np.full(U, 1 / U), size=B).astype(float)])

    def usum(mask_values: np.ndarray) -> np.ndarray:
        """(B+1,) weighted totals over units (row 0: the file itself)."""
        return W @ np.bincount(ucode, weights=mask_values.astype(float), minlength=U)

    def interval(boot: np.ndarray) -> tuple[float, float]:
        b = boot[1:][np.isfinite(boot[1:])]
        return (float(np.quantile(b, 0.5 - level / 2)), float(np.quantile(b, 0.5 + level / 2)))

    out, skipped = [], []

    def rate(key, num, den, n):
        est = num / np.maximum(den, 1)
        lo, hi = interval(est)
        out.append(Estimate(key, float(est[0]), lo, hi, int(n), "slots"))

    min_slots = param("calibration.min_slots")
    groups = [("measurement.defaults.data_quality", ~f["indicator"].isin(list(own)))]
    groups += [(f"measurement.indicators.{name}.data_quality", f["indicator"] == name)
               for name in own]
    for prefix, sel in groups:
        sel = sel.to_numpy()
        n = int(sel.sum())
        if n < min_slots:
            skipped.append(prefix)
            continue
        rate(prefix + ".missing", usum(sel & f["missing"].to_numpy()), usum(sel), n)
        uc = sel & f["uncapped"].to_numpy()
        if uc.sum() >= min_slots:
            rate(prefix + ".mis_entered", usum(uc & f["slip"].to_numpy()), usum(uc),
                 int(uc.sum()))
        else:
            skipped.append(prefix + ".mis_entered")
    clean = (~f["missing"] & ~f["slip"] & f["uncapped"]).to_numpy()
    x = np.where(clean, f["log_ratio"].fillna(0).to_numpy()
                 - (f["p_inf"] * f["log_f"]).to_numpy(), 0.0)
    if clean.sum() < min_slots:
        return out, [*skipped, "target_ambition"]
    amb = -usum(x) / np.maximum(usum(clean), 1)
    lo, hi = interval(amb)
    out.append(Estimate("target_ambition", float(amb[0]), lo, hi, int(clean.sum()), "slots"))
    return out, skipped


# ---------------------------------------------------------------- rater model (SMM)

def _rater_stats(Y: np.ndarray, codes: np.ndarray, J: int) -> np.ndarray:
    """(J, 4) per-rater sums: n, sum of employee means, sum of their squares, sum of
    within-employee variances."""
    m = Y.mean(axis=1)
    w = Y.var(axis=1, ddof=1)
    return np.column_stack([np.bincount(codes, minlength=J).astype(float),
                            np.bincount(codes, weights=m, minlength=J),
                            np.bincount(codes, weights=m * m, minlength=J),
                            np.bincount(codes, weights=w, minlength=J)])


def _moments(S: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The four rating moments from per-rater sums ``S`` (J, 4), raters weighted by
    ``weights`` (B, J) (bootstrap counts); returns (B, 4), or (4,) without weights."""
    single = weights is None
    c = np.ones((1, S.shape[0])) if single else weights
    n, s1, s2, sw = S.T
    N = c @ n
    mean = (c @ s1) / N
    within = (c @ sw) / N
    two = n >= 2
    ss = np.where(two, s2 - s1**2 / np.maximum(n, 1), 0.0)
    between_emp = (c @ ss) / (c @ np.where(two, n - 1, 0.0))
    cw = c * two
    rm = np.where(two, s1 / np.maximum(n, 1), 0.0)
    k = cw.sum(axis=1)
    rmean = (cw @ rm) / k
    rvar = (cw @ rm**2) / k - rmean**2
    inv_n = (cw @ np.where(two, 1 / np.maximum(n, 1), 0.0)) / k
    out = np.column_stack([mean, within, between_emp, rvar - between_emp * inv_n])
    return out[0] if single else out


class _RatingSimulator:
    """Ratings of the file's own rater structure for trial rater parameters, with common
    random numbers: every call with the same ``copies`` reuses the same seeds."""

    def __init__(self, wf: Workforce, rp: rt.RaterParams, seed: int, copies: int):
        self.rp = rp
        # raters coded by first appearance of their id: the same codes (hence the same
        # random numbers) for a workforce in memory and for the file written from it
        self.codes, uniq = pd.factorize(wf.employees["rater_id"].astype(str))
        self.J = len(uniq)
        self.idx, self.n_raters = self.codes.astype(np.int64), self.J
        self.copies = []
        for s in range(copies):
            lat = with_latent(_strip_latent(wf), seed=seed + s)
            T = rt.true_behaviour(lat.latent("ability"), lat.latent("effort"),
                                  lat.latent("psm"), rp)
            self.copies.append((T, seed + 1000 + s))

    def params(self, theta: np.ndarray) -> rt.RaterParams:
        return self.rp.model_copy(update=dict(zip(RATER_KEYS, map(float, theta), strict=True)))

    def moments(self, theta: np.ndarray) -> np.ndarray:
        p = self.params(theta)
        out = []
        for T, s in self.copies:
            rng = np.random.default_rng(s)
            traits = rt.draw_raters(self.n_raters, p, rng)
            Y = rt.rate_values(T, self.idx, traits, p, rng, n_values=7)
            out.append(_moments(_rater_stats(Y, self.codes, self.J)))
        return np.mean(out, axis=0)


def _strip_latent(wf: Workforce) -> Workforce:
    from kinerja_sim.workforce.model import LATENT_COLUMNS

    e = wf.employees.drop(columns=[c for c in LATENT_COLUMNS if c in wf.employees])
    return Workforce(e, wf.plan, wf.observed, wf.source, wf.rater_row)


def _raters(wf: Workforce, base: Scenario, rng: np.random.Generator, B: int, level: float,
            seed: int) -> list[Estimate]:
    Y = np.asarray(wf.observed.perilaku, dtype=float)
    codes, uniq = pd.factorize(wf.employees["rater_id"].astype(str))
    J = len(uniq)
    S = _rater_stats(Y, codes, J)
    m_obs = _moments(S)
    W = rng.multinomial(J, np.full(J, 1 / J), size=B).astype(float)
    m_boot = _moments(S, W)
    cov = np.cov(m_boot, rowvar=False)
    rp = base.rater_params
    copies = int(param("calibration.simulations"))
    sim = _RatingSimulator(wf, rp, seed, copies)
    # closed-form start (no clipping): within = E[c^2] pps^2 s_w^2, etc.
    pps2 = rp.points_per_sd ** 2
    s_w2 = rp.value_specific_sd ** 2 + rp.error_sd ** 2
    var_t = float(np.mean([np.var(T) for T, _ in sim.copies]))
    ec2 = max(m_obs[1] / (pps2 * s_w2), 1e-3)
    start = np.array([
        m_obs[0] - rp.center,
        np.sqrt(max(m_obs[3], 0.25)),
        np.clip(np.sqrt(max(ec2 - rp.central_tendency_sd ** 2, 1e-3)), 0.05, 1.0),
        np.sqrt(max(m_obs[2] / (ec2 * pps2) - var_t - s_w2 / 7, 0.01)),
    ])
    scale = np.sqrt(np.diag(cov)) + 1e-9

    def resid(theta):
        return (sim.moments(theta) - m_obs) / scale

    lower = np.array([-50.0, 0.0, 0.01, 0.0])
    upper = np.array([50.0, 30.0, 1.0, 5.0])
    fit = optimize.least_squares(resid, np.clip(start, lower + 1e-6, upper - 1e-6),
                                 bounds=(lower, upper), x_scale=np.array([1, 1, 0.1, 0.3]),
                                 diff_step=1e-3, xtol=1e-10, ftol=1e-10)
    G = fit.jac * scale[:, None]  # d moments / d theta
    try:
        Ginv = np.linalg.inv(G)
        V = Ginv @ cov @ Ginv.T * (1 + 1 / copies)
        se = np.sqrt(np.clip(np.diag(V), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(4, np.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    out = []
    for i, key in enumerate(RATER_KEYS):
        lo = fit.x[i] - z * se[i]
        if key != "leniency_mean":
            lo = max(lo, 0.0)
        out.append(Estimate(f"raters.{key}", float(fit.x[i]), float(lo),
                            float(fit.x[i] + z * se[i]), int(J), "raters"))
    return out


# ---------------------------------------------------------------- the whole calibration

def calibrate(wf: Workforce, base: str | Scenario = "status_quo", seed: int | None = None,
              file_id: str | None = None, ppc: bool = True) -> Calibration:
    """Estimate the identified measurement parameters of ``wf``'s observed data."""
    if wf.observed is None:
        raise ValueError("calibrate needs a workforce with observed data (a loaded file)")
    base_sc = base if isinstance(base, Scenario) else load_scenario(find_scenario(base))
    base_ref = str(find_scenario(base)) if isinstance(base, str) else base_sc.source
    seed = int(param("calibration.seed")) if seed is None else seed
    level = float(param("interval_level"))
    B = int(param("calibration.bootstrap"))
    rng = np.random.default_rng(seed)
    est, skipped = _dq_and_padding(wf, base_sc, rng, B, level)
    teams = wf.employees.groupby(wf.employees["rater_id"].astype(str)).size()
    if (teams >= 2).sum() >= param("calibration.min_raters"):
        est += _raters(wf, base_sc, rng, B, level, seed)
    else:
        skipped.append("raters")
    _, result = scored(wf, base_sc)
    shares = pd.Series(np.bincount(result.predikat, minlength=5) / wf.n,
                       index=list(result.labels))
    cal = Calibration(estimates=est, base=base_sc, base_ref=base_ref,
                      file_id=file_id or workforce_hash(wf), n=wf.n,
                      predikat_shares=shares, skipped=skipped)
    if ppc:
        cal.ppc = predictive_check(wf, cal, seed)
    return cal


def calibrated_scenario(cal: Calibration) -> Scenario:
    return load_scenario(cal.base.source, cal.overrides())


def summary_stats(wf: Workforce, sc: Scenario) -> pd.Series:
    """The statistics the predictive check compares (real file vs simulation)."""
    Y = np.asarray(wf.observed.perilaku, dtype=float)
    f = slots(wf, sc.catalogue).frame
    corr = np.corrcoef(Y, rowvar=False)
    off = corr[~np.eye(corr.shape[0], dtype=bool)]
    heap = ~f["missing"] & (f["target"] < f["max_value"])
    _, result = scored(wf, sc)
    shares = np.bincount(result.predikat, minlength=5) / wf.n
    out = {f"predikat: {lab}": s for lab, s in zip(result.labels, shares, strict=True)}
    out.update({
        "perilaku: mean": Y.mean(), "perilaku: SD": Y.std(),
        "perilaku: SD of employee means": Y.mean(axis=1).std(),
        "perilaku: mean inter-value correlation": float(np.nanmean(off)),
        "IKI: share missing": f["missing"].mean(),
        "IKI: share exactly at target": float((heap & (f["realisasi"] == f["target"])).sum()
                                              / max(heap.sum(), 1)),
        "IKI: mean signed log(realisasi/target)": float(f["log_ratio"].median()),
    })
    return pd.Series(out)


def predictive_check(wf: Workforce, cal: Calibration, seed: int) -> pd.DataFrame:
    """Real file vs one simulation of the calibrated scenario on the file's own structure."""
    sc = calibrated_scenario(cal)
    real = summary_stats(wf, sc)
    sim_wf = with_latent(_strip_latent(_depadded(wf, sc)), seed=seed + 99)
    simulated, _ = observe(sim_wf, sc, seed=seed + 99)
    simulated = _strip_latent(simulated)
    return pd.DataFrame({"real": real, "simulated": summary_stats(simulated, sc)})


def _depadded(wf: Workforce, sc: Scenario) -> Workforce:
    """The file's targets are the padded ones; the engine pads the plan's neutral targets."""
    m = wf.observed
    sign = np.where(m.higher_is_better, 1.0, -1.0)
    neutral = np.asarray(m.target, dtype=float) * np.exp(-sign * sc.spec.target_ambition)
    p = wf.plan
    plan = TaskPlan(p.indicator, neutral, p.utama, p.time_target, p.cost_target)
    return Workforce(wf.employees, plan, wf.observed, wf.source, wf.rater_row)


# ---------------------------------------------------------------- output

def scenario_yaml(cal: Calibration, out_path: Path) -> str:
    """The calibrated scenario: ``extends:`` the base, overrides exactly the estimated keys,
    each with its interval (comment and block ``note``) and ``reference``."""
    base = Path(cal.base_ref).resolve()
    rel = os.path.relpath(base, Path(out_path).resolve().parent)
    ref = f"calibrated from {cal.file_id}"

    def line(e: Estimate, indent: str) -> str:
        k = e.key.rsplit(".", 1)[-1]
        return (f"{indent}{k}: {e.value:.6g}  # 90 % interval [{e.low:.6g}, {e.high:.6g}]; "
                f"n = {e.n} {e.n_what}")

    def note(es: list[Estimate]) -> str:
        return "; ".join(f"{e.key.rsplit('.', 1)[-1]} 90 % interval [{e.low:.4g}, {e.high:.4g}]"
                         for e in es)

    by_prefix: dict[str, list[Estimate]] = {}
    for e in cal.estimates:
        by_prefix.setdefault(e.key.rsplit(".", 1)[0] if "." in e.key else "", []).append(e)
    lines = [f"# Calibrated by `kinerja-sim calibrate` from file {cal.file_id} "
             f"(n = {cal.n} employees); docs/audit.md.",
             "# Only the keys the file identifies are overridden; everything else comes from",
             f"# the base scenario. Intervals are {param('interval_level'):.0%} intervals.",
             f"name: calibrated_{cal.file_id[:8]}",
             f"extends: {rel}",
             f"description: \"{cal.base.name} with measurement parameters {ref}\""]
    top = by_prefix.pop("", [])
    for e in top:
        lines.append(line(e, ""))
        lines.append(f"reference: \"{ref}, n = {e.n} {e.n_what}\"")
        lines.append(f"note: \"{note([e])}\"")
    r = by_prefix.pop("raters", [])
    if r:
        lines += ["raters:", f"  reference: \"{ref}, n = {r[0].n} raters, {cal.n} employees\"",
                  f"  note: \"{note(r)}\""]
        lines += [line(e, "  ") for e in r]
    if by_prefix:
        lines.append("measurement:")
        d = by_prefix.pop("measurement.defaults.data_quality", [])
        if d:
            lines += ["  defaults:", "    data_quality:",
                      f"      reference: \"{ref}, n = {d[0].n} slots\"",
                      f"      note: \"{note(d)}\""]
            lines += [line(e, "      ") for e in d]
        if by_prefix:
            lines.append("  indicators:")
            for prefix, es in by_prefix.items():
                name = prefix.split(".")[2]
                lines += [f"    {name}:", "      data_quality:",
                          f"        reference: \"{ref}, n = {es[0].n} slots\"",
                          f"        note: \"{note(es)}\""]
                lines += [line(e, "        ") for e in es]
    return "\n".join(lines) + "\n"


def estimates_frame(cal: Calibration) -> pd.DataFrame:
    rows = [(e.key, e.value, e.low, e.high, f"{e.n} {e.n_what}") for e in cal.estimates]
    return pd.DataFrame(rows, columns=["key", "estimate", "low", "high", "n"])


def print_calibration(cal: Calibration, lang: str = "id") -> None:
    from kinerja_sim.labels import t

    with pd.option_context("display.width", 200, "display.max_colwidth", 90,
                           "display.float_format", "{:.4g}".format):
        print(t("calibrate.title", lang, hash=cal.file_id, n=cal.n))
        print(t("calibrate.estimates", lang))
        print(estimates_frame(cal).to_string(index=False))
        print()
        print(t("calibrate.unidentified", lang))
        for key in (*UNIDENTIFIED, *cal.skipped):
            why = t("calibrate.why." + UNIDENTIFIED.get(key, "too_few"), lang)
            print(f"  - {key}: {why}")
        print()
        print(t("calibrate.shares", lang))
        print(cal.predikat_shares.to_string())
        if not cal.ppc.empty:
            print()
            print(t("calibrate.ppc", lang))
            print(cal.ppc.to_string())
