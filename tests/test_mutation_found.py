"""Gaps mutation testing found in the rules' tests (docs/testing.md, triage)."""

from __future__ import annotations

import numpy as np
import pytest
from scheme_fixtures import make_measurements

from kinerja_sim.schemes import pp30_2019


def test_pp30_skp_is_the_mean_over_the_iki_in_use_only():
    # one IKI in use at 100 % of target (R/T x 100 = 100) and one empty slot: the SKP score is
    # 100; counting the empty slot (as pp30_2019.x_skp_score__mutmut_42 did) would halve it
    m = make_measurements(1, 2, indicator=[[0, -1]], target=[[100.0, np.nan]],
                          realisation=[[100.0, np.nan]], utama=[[True, False]])
    assert pp30_2019.skp_score(m, pp30_2019.default_params()) == pytest.approx([100.0])
