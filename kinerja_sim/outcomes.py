"""From a :class:`~kinerja_sim.dynamics.Simulation` to outcome tables with intervals.

Every metric is computed per replication (and per period where it is cheap and meaningful),
then summarised as mean and 90 % percentile interval across replications
(:func:`kinerja_sim.metrics.summarize`). Group tables suppress cells with fewer than 10
employees and, complementarily, enough other cells that none of them can be derived from the
shown cells and the totals (:mod:`kinerja_sim.metrics.disclosure`); rows are shown with their
n, never dropped. Gaps and ratios over groups use only the groups a table may show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja_sim import metrics as mt
from kinerja_sim.dynamics import Simulation
from kinerja_sim.metrics.disclosure import suppress_complementary
from kinerja_sim.metrics.grouped import GroupIndex

#: Group columns for fairness and winners/losers tables.
GROUP_COLUMNS = ("gender", "status", "rumpun", "golongan", "jenis_jabatan", "opd")
#: Groups used for the four-fifths rule and parity gaps in the headline table.
HEADLINE_GROUPS = ("gender", "status", "rumpun", "golongan", "opd")

#: Headline metrics in display order: key -> (label key, better direction: +1 higher, -1 lower,
#: 0 neither). Labels live in data/labels/.
METRICS = {
    "objectivity.spearman": +1,
    "objectivity.kappa": +1,
    "stability.flip_rate": -1,
    **{f"fairness.four_fifths.{g}": +1 for g in HEADLINE_GROUPS},
    **{f"fairness.parity_gap.{g}": -1 for g in HEADLINE_GROUPS},
    "fairness.rater_share": -1,
    "fairness.opd_share": -1,
    "predikat.share_sangat_baik": 0,
    "predikat.share_baik": 0,
    "predikat.share_below_baik": 0,
    "distribution.moved": 0,
    "allowance.gini": 0,
    "allowance.mean_tpp": 0,
    "motivation.index": +1,
    "motivation.effort_change": +1,
    "motivation.unmeasured_effort_change": +1,
    "motivation.share_demotivated": -1,
    "motivation.share_resisting": -1,
    "motivation.share_gaming": -1,
    "service.waktu_respons_pengaduan": -1,
    "service.vaksinasi": +1,
    "service.ikm": +1,
    "service.true_output": +1,
}

#: Metrics that are only computed for the final period (expensive or defined only there).
FINAL_ONLY = {"stability.flip_rate", "fairness.rater_share", "fairness.opd_share",
              *(f"fairness.parity_gap.{g}" for g in HEADLINE_GROUPS)}


def _codes(series: pd.Series) -> np.ndarray:
    return pd.factorize(series.astype(str))[0]


def _standardised(x: np.ndarray) -> np.ndarray:
    """Scores in SD units, so residual gaps compare across schemes with different scales."""
    sd = np.nanstd(x)
    return (x - np.nanmean(x)) / sd if sd > 0 else x - np.nanmean(x)


def per_replication(sim: Simulation) -> dict[str, np.ndarray]:
    """Every headline metric as an array of shape (replications, periods) (NaN where the metric
    is final-period only).

    Computed once per Simulation and kept on it (read-only arrays): ``compare``, ``headline``
    and ``trajectories`` all start here, and a report that asks for all three would otherwise
    pay for the most expensive step of an analysis three times. A pickled Simulation carries
    the kept metrics with it (the batch runner shares its baseline that way).
    """
    memo = sim.__dict__.get("_per_replication")
    if memo is None:
        memo = _per_replication(sim)
        for values in memo.values():
            values.setflags(write=False)
        sim.__dict__["_per_replication"] = memo
    return memo


def _per_replication(sim: Simulation) -> dict[str, np.ndarray]:
    R, P = sim.replications, sim.periods
    pn = sim.panel
    out = {k: np.full((R, P), np.nan) for k in METRICS}
    emp = sim.employees
    # integer group codes built once: the four-fifths ratios are computed R x P x 5 times, and
    # only groups a table may show enter a ratio or a gap (a max - min over a hidden,
    # complementary group would reveal it, and through it the small group it protects)
    index = GroupIndex(emp, HEADLINE_GROUPS)
    rater = _codes(emp["rater_id"])
    opd = _codes(emp["opd"])
    bp = sim.scenario.behaviour_params.motivation_index
    res_thr = sim.scenario.behaviour_params.resistance.threshold
    has_score = not np.isnan(pn["score"]).all()
    for r in range(R):
        eff0 = pn["effort"][r, 0].mean()
        unm0 = pn["effort_unmeasured"][r, 0].mean()
        for t in range(P):
            score = _standardised(pn["score"][r, t] if has_score else pn["merit"][r, t])
            truth = pn["true_contribution"][r, t]
            pred = pn["predikat"][r, t].astype(np.int64)
            tpp = pn["tpp_total"][r, t]
            o = {
                "objectivity.spearman": mt.spearman(score, truth),
                "objectivity.kappa": mt.predikat_agreement(pred, truth),
                "predikat.share_sangat_baik": np.mean(pred == 4),
                "predikat.share_baik": np.mean(pred == 3),
                "predikat.share_below_baik": np.mean(pred <= 2),
                "distribution.moved": float(sim.moved[r, t]),
                "allowance.gini": mt.gini(tpp),
                "allowance.mean_tpp": float(tpp.mean()),
                "motivation.index": float(pn["motivation"][r, t].mean()),
                "motivation.effort_change": float(pn["effort"][r, t].mean() - eff0),
                "motivation.unmeasured_effort_change":
                    float(pn["effort_unmeasured"][r, t].mean() - unm0),
                "motivation.share_demotivated":
                    float(np.mean(pn["motivation"][r, t] < bp.demotivated_below)),
                "motivation.share_resisting": float(np.mean(pn["resistance"][r, t] > res_thr)),
                "motivation.share_gaming":
                    float(np.mean(pn["gaming"][r, t] > bp.gaming_threshold)),
                "service.true_output": float(truth.mean()),
            }
            for g in HEADLINE_GROUPS:
                o[f"fairness.four_fifths.{g}"] = index.four_fifths_ratio(pred, g)
            for name in ("waktu_respons_pengaduan", "vaksinasi", "ikm"):
                o[f"service.{name}"] = sim.service[name][r, t]
            if t == P - 1:
                o["stability.flip_rate"] = float(sim.flip_rate[r])
                shares = mt.variance_shares(score, truth, rater, opd, truncate=False)
                o["fairness.rater_share"] = shares["rater"]
                o["fairness.opd_share"] = shares["opd"]
                residuals = mt.score_residuals(score, truth)
                for g in HEADLINE_GROUPS:
                    o[f"fairness.parity_gap.{g}"] = index.parity_gap(score, truth, g,
                                                                     residuals=residuals)
            for k, v in o.items():
                out[k][r, t] = v
    return out


def headline(sim: Simulation, period: int = -1) -> pd.DataFrame:
    """One row per metric for one period (default final): mean, lo, hi across replications."""
    per = per_replication(sim)
    rows = []
    for key, values in per.items():
        s = mt.summarize(values[:, period])
        rows.append({"metric": key, "mean": s["mean"], "lo": s["lo"], "hi": s["hi"],
                     "n_replications": s["n_replications"]})
    return pd.DataFrame(rows)


def trajectories(sim: Simulation) -> pd.DataFrame:
    """Tidy per-period table: metric, period, mean, lo, hi."""
    per = per_replication(sim)
    rows = []
    for key, values in per.items():
        if key in FINAL_ONLY:
            continue
        for t in range(sim.periods):
            s = mt.summarize(values[:, t])
            rows.append({"metric": key, "period": t, "mean": s["mean"], "lo": s["lo"],
                         "hi": s["hi"]})
    return pd.DataFrame(rows)


def group_table(sim: Simulation, period: int = -1) -> pd.DataFrame:
    """Final-period outcomes by group (replication means): n, share Sangat Baik, mean TPP,
    mean score residual given true contribution; cells under 10 employees suppressed, with
    complementary suppression per dimension (``suppression`` says which kind)."""
    pn = sim.panel
    min_n = mt.metrics_param("min_group_size")
    has_score = not np.isnan(pn["score"]).all()
    index = GroupIndex(sim.employees, GROUP_COLUMNS, min_n=min_n)  # coded once for all reps
    per_rep = []
    for r in range(sim.replications):
        score = _standardised(pn["score"][r, period] if has_score else pn["merit"][r, period])
        truth = pn["true_contribution"][r, period]
        pred = pn["predikat"][r, period].astype(np.float64)
        selected = np.where(np.isnan(pred), np.nan, (pred == 4).astype(np.float64))
        per_rep.append((mt.score_residuals(score, truth), selected, pn["tpp_total"][r, period]))
    frames = []
    for g in GROUP_COLUMNS:
        # the definitions of metrics.conditional_parity, selection_rates and mean_by_group
        # (a mean over the group's non-missing values, NaN under min_n), on codes built once
        cols: dict[str, list] = {"group": [], "n": [], "mean_residual": [],
                                 "share_sangat_baik": [], "mean_tpp": [], "suppressed": []}
        names = np.array(index.names[g], dtype=object)
        for residuals, selected, tpp in per_rep:
            n, mean_residual = index.means(residuals, g)
            cols["group"].append(names)
            cols["n"].append(n)
            cols["suppressed"].append(n < min_n)
            for col, values in (("mean_residual", residuals), ("share_sangat_baik", selected),
                                ("mean_tpp", tpp)):
                count, mean = index.means(values, g)
                cols[col].append(np.where(count < min_n, np.nan, mean))
        stacked = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})
        agg = stacked.groupby("group", sort=True).agg(
            n=("n", "first"), mean_residual=("mean_residual", "mean"),
            share_sangat_baik=("share_sangat_baik", "mean"), mean_tpp=("mean_tpp", "mean"),
            suppressed=("suppressed", "first")).reset_index()
        agg.insert(0, "dimension", g)
        frames.append(agg)
    table = pd.concat(frames, ignore_index=True)
    return suppress_complementary(table, "n", ["mean_residual", "share_sangat_baik", "mean_tpp"],
                                  min_n, by=["dimension"])
