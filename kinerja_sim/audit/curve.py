"""Which OPDs' predikat distribution breaks the SE MenPANRB 03/2023 curve, and by how many.

The file is scored as observed under the base scenario's PermenPANRB 6/2022 scheme (its raw
predikat, before any curve), each OPD's counts are compared with the rules for its organisation
predikat (:func:`kinerja_sim.schemes.distribution.rules_satisfied`), and the number of employees
the curve would have to move is :func:`~kinerja_sim.schemes.distribution.excess_bound`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinerja_sim import scoring
from kinerja_sim.scenario import Scenario, load_scenario
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.schemes.distribution import excess_bound, rules_satisfied
from kinerja_sim.workforce.model import Workforce

CURVE_SCHEME = "permenpanrb_6_2022"


def scored(wf: Workforce, sc: Scenario):
    """The file's own observed data scored under ``sc`` (no re-measurement)."""
    org = scoring.org_context(wf, sc)
    result, _ = scoring.score_period(wf.observed, org, sc)
    return org, result


def curve_check(wf: Workforce, sc: Scenario) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Per OPD: n, organisation predikat, raw counts per predikat, ok, employees to move."""
    if sc.spec.scheme.name != CURVE_SCHEME:
        sc = load_scenario(CURVE_SCHEME)
    rules = sc.scheme_params.distribution
    org, result = scored(wf, sc)
    eligible = ~np.asarray(org.is_opd_head, bool) if rules.exclude_opd_heads \
        else np.ones(wf.n, bool)
    G = len(org.opd_names)
    counts = np.zeros((G, 5), dtype=np.int64)
    np.add.at(counts, (org.opd[eligible], result.predikat_raw[eligible].astype(np.int64)), 1)
    ok = rules_satisfied(counts, org.org_predikat, rules)
    move = excess_bound(counts, org.org_predikat, rules)
    table = pd.DataFrame(counts, columns=list(result.labels), index=list(org.opd_names))
    table.insert(0, "org_predikat", [ORG_PREDIKAT[c] for c in org.org_predikat])
    table.insert(0, "n", counts.sum(axis=1))
    table["curve_ok"] = ok
    table["to_move"] = move
    table.index.name = "opd"
    return table, tuple(result.labels)
