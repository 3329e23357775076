"""Outcome metrics (DESIGN §3 "Outcomes"), computed per (replication, period) on whole arrays.

- objectivity: do scores and predikat track true contribution, and are they stable?
- fairness: conditional parity by group, four-fifths rule, rater/OPD variance shares.
- allowance: TPP inequality (Gini) and group means.
- intervals: mean and percentile interval across replications, as a tidy table.

Parameters (minimum group size, interval level, four-fifths threshold) live in
``data/metrics.yaml`` with their references.
"""

from kinerja_sim.metrics.allowance import gini, mean_by_group
from kinerja_sim.metrics.fairness import (
    adverse_impact,
    between_group_share,
    conditional_parity,
    four_fifths_ratio,
    group_means,
    score_residuals,
    selection_rates,
    variance_shares,
)
from kinerja_sim.metrics.intervals import ALL, interval_frame, metrics_param, summarize
from kinerja_sim.metrics.objectivity import (
    N_PREDIKAT,
    cohen_kappa,
    effective_score,
    flip_rate,
    predikat_agreement,
    spearman,
    true_quantile_predikat,
)

__all__ = [
    "ALL",
    "N_PREDIKAT",
    "adverse_impact",
    "between_group_share",
    "cohen_kappa",
    "conditional_parity",
    "effective_score",
    "flip_rate",
    "four_fifths_ratio",
    "gini",
    "group_means",
    "interval_frame",
    "mean_by_group",
    "metrics_param",
    "predikat_agreement",
    "score_residuals",
    "selection_rates",
    "spearman",
    "summarize",
    "true_quantile_predikat",
    "variance_shares",
]
