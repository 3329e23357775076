"""Data-quality checks of one appraisal file: can these numbers be trusted?

Each check returns a summary table (per OPD or per indicator) and flags, one per finding, as
dicts with ``check``, ``opd``, ``unit``, ``indicator``, ``who`` (a pseudonym), ``n`` and the
numbers the message needs. A group finding is flagged only when it is both large (a share from
``data/audit.yaml``) and unlikely under the file's own overall rate (one-sided binomial test,
Bonferroni over the groups examined), so an honest file raises few flags.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kinerja_sim.audit.common import Slots, param, pseudonyms, unit_key
from kinerja_sim.schemes.base import BERAKHLAK
from kinerja_sim.workforce.model import Workforce


def _binomial_flags(k: np.ndarray, n: np.ndarray, p0: np.ndarray, min_share: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """p-values of ``k`` or more of ``n`` at rate ``p0``, and which groups are flagged."""
    p0 = np.clip(p0, 1e-3, 1.0)
    pval = stats.binom.sf(k - 1, n, p0)
    share = np.divide(k, n, out=np.zeros(len(k)), where=n > 0)
    groups = max(int((n > 0).sum()), 1)
    return pval, (share >= min_share) & (pval < param("alpha") / groups)


def missing_and_heaping(sl: Slots) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Missing realisations and realisations exactly at target, per OPD and per indicator.

    Heaping counts only slots whose target is below the indicator's physical maximum: where
    the target *is* the maximum (100 % of reports on time) landing on it is no sign of anything.
    """
    f = sl.frame
    heap_ok = ~f["missing"] & (f["target"] < f["max_value"])
    f = f.assign(at_target=heap_ok & (f["realisasi"] == f["target"]), heap_base=heap_ok)
    flags: list[dict] = []
    by = {}
    for level in ("opd", "indicator"):
        g = f.groupby(level, sort=True)
        t = pd.DataFrame({"slots": g.size(), "missing": g["missing"].sum(),
                          "heap_base": g["heap_base"].sum(), "at_target": g["at_target"].sum()})
        t["missing_share"] = t["missing"] / t["slots"]
        t["at_target_share"] = t["at_target"] / t["heap_base"].where(t["heap_base"] > 0)
        by[level] = t
    t = by["opd"]
    total_miss, total_slots = t["missing"].sum(), t["slots"].sum()
    rest_rate = (total_miss - t["missing"]) / (total_slots - t["slots"]).clip(lower=1)
    _, flag = _binomial_flags(t["missing"].to_numpy(), t["slots"].to_numpy(),
                              rest_rate.to_numpy(), param("missing.min_share"))
    for opd in t.index[flag]:
        flags.append({"check": "missing", "opd": opd, "n": int(t.at[opd, "slots"]),
                      "share": float(t.at[opd, "missing_share"]),
                      "base": float(rest_rate[opd])})
    heap_rest = (t["at_target"].sum() - t["at_target"]) / \
        (t["heap_base"].sum() - t["heap_base"]).clip(lower=1)
    _, flag = _binomial_flags(t["at_target"].to_numpy(), t["heap_base"].to_numpy(),
                              heap_rest.to_numpy(), param("heaping.min_share"))
    for opd in t.index[flag]:
        flags.append({"check": "heaping", "opd": opd, "n": int(t.at[opd, "heap_base"]),
                      "share": float(t.at[opd, "at_target_share"]),
                      "base": float(heap_rest[opd])})
    return by["opd"], by["indicator"], flags


def implausible(sl: Slots, emp_pseudonym: np.ndarray
                ) -> tuple[pd.Series, pd.Series, list[dict]]:
    """Realisations outside Tukey's outer fences on log(realisasi/target) within rumpun x
    indicator, or above the indicator's physical maximum (counts per OPD and per indicator,
    and one flag each)."""
    f = sl.frame
    k = param("fences.iqr_multiplier")
    # values at an indicator's physical maximum (100 % of reports on time) are a heap the
    # model expects; the quartiles come from the values below it, which are never at it
    ok = f["log_ratio"].notna() & (f["realisasi"] < f["max_value"])
    g = f.loc[ok].groupby(["rumpun", "code"])["log_ratio"]
    q = g.quantile([0.25, 0.75]).unstack()
    size = g.size()
    keys = pd.MultiIndex.from_frame(f.loc[ok, ["rumpun", "code"]])
    q1 = q[0.25].reindex(keys).to_numpy()
    q3 = q[0.75].reindex(keys).to_numpy()
    n = size.reindex(keys).to_numpy()
    iqr = q3 - q1
    x = f.loc[ok, "log_ratio"].to_numpy()
    out_fence = (n >= param("fences.min_group")) & ((x < q1 - k * iqr) | (x > q3 + k * iqr))
    bad = pd.Series(False, index=f.index)
    bad.loc[f.index[ok.to_numpy()]] = out_fence
    bad |= ~f["missing"] & (f["realisasi"] > f["max_value"])
    flags = [{"check": "implausible", "opd": r.opd, "unit": r.unit, "indicator": r.indicator,
              "who": emp_pseudonym[r.row], "value": float(r.realisasi),
              "target": float(r.target)}
             for r in f.loc[bad].itertuples()]
    return f.loc[bad].groupby("opd").size(), f.loc[bad].groupby("indicator").size(), flags


def copied(sl: Slots) -> list[dict]:
    """Units where every employee reports the identical realisation on one indicator."""
    f = sl.frame.loc[~sl.frame["missing"] & (sl.frame["realisasi"] < sl.frame["max_value"])]
    key = unit_key(f["opd"], f["unit"])
    g = f.assign(key=key).groupby(["key", "code"])
    t = g.agg(opd=("opd", "first"), unit=("unit", "first"), indicator=("indicator", "first"),
              n=("realisasi", "size"), distinct=("realisasi", "nunique"))
    all_slots = sl.frame.assign(key=unit_key(sl.frame["opd"], sl.frame["unit"])) \
        .groupby(["key", "code"]).size()
    t["slots"] = all_slots.reindex(t.index).to_numpy()
    hit = t[(t["n"] >= param("copied.min_unit_size")) & (t["distinct"] == 1)
            & (t["n"] == t["slots"])]
    return [{"check": "copied", "opd": r.opd, "unit": r.unit, "indicator": r.indicator,
             "n": int(r.n)} for r in hit.itertuples()]


def straight_lined(wf: Workforce, emp_pseudonym: np.ndarray
                   ) -> tuple[pd.DataFrame, list[dict]]:
    """Employees whose seven BerAKHLAK ratings are all equal, or all at the scale maximum."""
    p = np.asarray(wf.observed.perilaku, dtype=float)
    same = np.all(p == p[:, :1], axis=1)
    at_max = np.all(p >= 100.0, axis=1)
    e = wf.employees
    table = pd.DataFrame({"opd": e["opd"].astype(str).to_numpy(), "straight": same,
                          "at_max": at_max}).groupby("opd").agg(
        employees=("straight", "size"), straight_lined=("straight", "sum"),
        at_scale_max=("at_max", "sum"))
    flags = []
    for i in np.flatnonzero(same):
        flags.append({"check": "straight_max" if at_max[i] else "straight",
                      "opd": str(e["opd"].iat[i]), "unit": str(e["unit"].iat[i]),
                      "who": emp_pseudonym[i], "value": float(p[i, 0])})
    return table, flags


def behaviour_columns() -> tuple[str, ...]:
    return BERAKHLAK


def employee_pseudonyms(wf: Workforce, key: str) -> np.ndarray:
    return pseudonyms(wf.employees["employee_id"], key, "PG")
