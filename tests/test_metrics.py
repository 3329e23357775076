"""Tests of kinerja_sim.metrics: equalities with scipy / scikit-learn / fairlearn, suppression of
small groups, and recovery of planted effects."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score

from kinerja_sim import metrics as M
from kinerja_sim.params import load_yaml

# --------------------------------------------------------------------------- parameters


def test_metrics_yaml_values_and_references():
    params = load_yaml("metrics.yaml")
    assert params["min_group_size"]["value"] == 10
    assert params["min_group_size"]["reference"] == "DESIGN / project privacy rule"
    assert params["interval_level"]["value"] == pytest.approx(0.90)
    assert params["four_fifths_threshold"]["value"] == pytest.approx(0.8)
    assert "1607.4(D)" in params["four_fifths_threshold"]["reference"]
    assert M.metrics_param("min_group_size") == 10
    with pytest.raises(KeyError):
        M.metrics_param("no_such_parameter")


# --------------------------------------------------------------------------- objectivity

float_or_nan = st.one_of(st.floats(-5, 5, allow_nan=False), st.just(np.nan),
                         st.sampled_from([0.0, 1.0]))  # repeated values -> ties


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(float_or_nan, float_or_nan), min_size=0, max_size=40))
def test_spearman_equals_scipy(pairs):
    x = np.array([p[0] for p in pairs], dtype=float)
    y = np.array([p[1] for p in pairs], dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = spearmanr(x[ok], y[ok]).statistic if ok.sum() >= 2 else np.nan
    got = M.spearman(x, y)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_spearman_seeded_large_and_undefined_cases():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=5000)
    score = np.round(truth + rng.normal(size=5000), 1)  # ties from rounding
    score[rng.random(5000) < 0.05] = np.nan
    ok = ~np.isnan(score)
    assert M.spearman(score, truth) == pytest.approx(spearmanr(score[ok], truth[ok]).statistic,
                                                     abs=1e-12)
    assert np.isnan(M.spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))  # constant score
    assert np.isnan(M.spearman([1.0, np.nan], [1.0, 2.0]))  # one complete pair
    with pytest.raises(ValueError, match="differ in length"):
        M.spearman([1.0, 2.0], [1.0])


codes = arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 4))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_cohen_kappa_equals_sklearn(data):
    a = data.draw(codes)
    b = data.draw(arrays(np.int64, a.size, elements=st.integers(0, 4)))
    for weights in (None, "linear", "quadratic"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # labels= fixes the weights to code distances on the 0..4 scale even when a
            # category is absent (sklearn would otherwise use positions among present labels)
            expected = cohen_kappa_score(a, b, weights=weights, labels=np.arange(5))
            if weights is None:  # unweighted kappa does not depend on absent labels
                assert cohen_kappa_score(a, b) == pytest.approx(expected, abs=1e-12, nan_ok=True)
        got = M.cohen_kappa(a, b, weights=weights)
        if np.isnan(expected):
            assert np.isnan(got)
        else:
            assert got == pytest.approx(expected, abs=1e-12)


def test_cohen_kappa_seeded_int8_and_degenerate():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 5, 20000).astype(np.int8)  # schemes store predikat as int8
    b = np.where(rng.random(20000) < 0.6, a, rng.integers(0, 5, 20000)).astype(np.int8)
    assert M.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert M.cohen_kappa(a, a) == pytest.approx(1.0)
    # everybody in one category on both sides: chance agreement is total -> NaN
    assert np.isnan(M.cohen_kappa(np.full(30, 3), np.full(30, 3)))
    # one side constant, the other not: defined, and 0
    assert M.cohen_kappa(np.full(4, 3), np.array([3, 2, 3, 1])) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="integer codes"):
        M.cohen_kappa([0, 5], [0, 1])
    with pytest.raises(ValueError, match="weights"):
        M.cohen_kappa([0, 1], [0, 1], weights="cubic")


def test_true_quantile_predikat_preserves_counts_and_orders_by_truth():
    rng = np.random.default_rng(3)
    n = 1000
    predikat = rng.choice(5, size=n, p=[0.02, 0.08, 0.15, 0.6, 0.15]).astype(np.int8)
    truth = rng.normal(size=n)
    q = M.true_quantile_predikat(predikat, truth)
    assert np.array_equal(np.bincount(q, minlength=5), np.bincount(predikat, minlength=5))
    order = np.argsort(truth)
    assert np.all(np.diff(q[order]) >= 0)  # higher truth never gets a worse category
    # an allocation made by true rank is reproduced exactly, and its agreement is 1
    assert np.array_equal(M.true_quantile_predikat(q, truth), q)
    assert M.predikat_agreement(q, truth) == pytest.approx(1.0)
    # a category nobody received stays empty
    q2 = M.true_quantile_predikat(np.array([1, 3, 3, 1]), np.array([4.0, 3.0, 2.0, 1.0]))
    assert q2.tolist() == [3, 3, 1, 1]
    with pytest.raises(ValueError, match="finite truth"):
        M.true_quantile_predikat([1, 2], [0.0, np.nan])


def test_predikat_agreement_near_zero_when_unrelated_to_truth():
    rng = np.random.default_rng(4)
    n = 20000
    predikat = rng.choice(5, size=n, p=[0.1, 0.2, 0.3, 0.3, 0.1])
    truth = rng.normal(size=n)  # independent of predikat
    assert abs(M.predikat_agreement(predikat, truth)) < 0.03
    aligned_truth = predikat + rng.normal(scale=0.3, size=n)
    assert M.predikat_agreement(predikat, aligned_truth) > 0.7


def test_flip_rate_hand_example():
    a = np.array([4, 3, 3, 2, 0, 1, 3, 3])
    b = np.array([4, 3, 2, 2, 0, 3, 3, 4])
    assert M.flip_rate(a, b) == pytest.approx(3 / 8)
    assert M.flip_rate(a, a) == 0.0
    assert M.flip_rate([1.0, np.nan, 2.0], [2.0, 1.0, 2.0]) == pytest.approx(0.5)
    assert np.isnan(M.flip_rate([np.nan], [1.0]))


def test_effective_score_falls_back_to_merit_only_when_no_score_at_all():
    merit = np.array([0.1, -0.2, 0.3])
    assert np.array_equal(M.effective_score(np.full(3, np.nan), merit), merit)
    partial = np.array([80.0, np.nan, 90.0])
    assert np.array_equal(M.effective_score(partial, merit), partial, equal_nan=True)


# --------------------------------------------------------------------------- fairness


def test_score_residuals_match_polyfit_and_keep_nan_positions():
    rng = np.random.default_rng(5)
    truth = rng.normal(size=300)
    score = 70 + 5 * truth + rng.normal(size=300)
    score[[3, 50]] = np.nan
    truth[7] = np.nan
    r = M.score_residuals(score, truth)
    ok = ~(np.isnan(score) | np.isnan(truth))
    slope, intercept = np.polyfit(truth[ok], score[ok], 1)
    assert np.allclose(r[ok], score[ok] - (intercept + slope * truth[ok]))
    assert np.isnan(r[[3, 7, 50]]).all()
    assert np.isnan(r).sum() == 3


def test_conditional_parity_separates_bias_from_true_differences():
    rng = np.random.default_rng(6)
    n = 4000
    gender = rng.choice(np.array(["L", "P"]), size=n)
    status = rng.choice(np.array(["PNS", "PPPK"]), size=n)
    # PNS truly contribute more (+1 SD); raters add +2 points to L regardless of contribution
    truth = rng.normal(size=n) + (status == "PNS")
    score = 75 + 4 * truth + 2.0 * (gender == "L") + rng.normal(size=n)
    by_gender = M.conditional_parity(score, truth, gender).set_index("group")
    gap = by_gender.loc["L", "mean_residual"] - by_gender.loc["P", "mean_residual"]
    assert gap == pytest.approx(2.0, abs=0.15)
    by_status = M.conditional_parity(score, truth, status).set_index("group")
    # raw means differ by ~4 points, but conditional on truth there is no status gap
    raw_gap = score[status == "PNS"].mean() - score[status == "PPPK"].mean()
    assert raw_gap > 3
    cond_gap = by_status.loc["PNS", "mean_residual"] - by_status.loc["PPPK", "mean_residual"]
    assert abs(cond_gap) < 0.15
    assert list(by_gender.columns) == ["n", "mean_residual", "suppressed"]
    assert by_gender["n"].sum() == n


@pytest.mark.parametrize("seed", range(8))
def test_selection_rates_and_four_fifths_equal_fairlearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 600))
    n_groups = int(rng.integers(2, 6))
    # every group gets at least 10 members so nothing is suppressed
    groups = np.concatenate([np.repeat(np.arange(n_groups), 10),
                             rng.integers(0, n_groups, n - 10 * n_groups)])
    labels = np.array(["I", "II", "III", "IV", "V"])[groups]
    predikat = rng.choice(5, size=n, p=[0.05, 0.1, 0.25, 0.4, 0.2])
    y_pred = (predikat == 4).astype(int)
    y_true = rng.integers(0, 2, n)  # ignored by selection_rate, required by the API
    rates = M.selection_rates(predikat, labels).set_index("group")
    assert not rates["suppressed"].any()
    frame = MetricFrame(metrics=selection_rate, y_true=y_true, y_pred=y_pred,
                        sensitive_features=labels)
    by_group = frame.by_group
    assert list(rates.index) == list(by_group.index)
    assert np.allclose(rates["rate"].to_numpy(), by_group.to_numpy(), atol=1e-12)
    expected = demographic_parity_ratio(y_true, y_pred, sensitive_features=labels)
    assert M.four_fifths_ratio(predikat, labels) == pytest.approx(expected, abs=1e-12)


def test_group_of_nine_suppressed_group_of_ten_kept():
    # A (9 people) all Sangat Baik; B (10) 50 %; C (20) 25 %
    groups = np.array(["A"] * 9 + ["B"] * 10 + ["C"] * 20)
    predikat = np.concatenate([np.full(9, 4), np.repeat([4, 3], 5), np.repeat([4, 3], [5, 15])])
    rates = M.selection_rates(predikat, groups).set_index("group")
    assert rates.loc["A", "n"] == 9 and bool(rates.loc["A", "suppressed"])
    assert np.isnan(rates.loc["A", "rate"])  # value hidden, row and n still shown
    assert rates.loc["B", "n"] == 10 and not rates.loc["B", "suppressed"]
    assert rates.loc["B", "rate"] == pytest.approx(0.5)
    # A (rate 1.0) would make the ratio 0.25; excluded, the ratio is C/B = 0.5
    assert M.four_fifths_ratio(predikat, groups) == pytest.approx(0.5)
    assert M.four_fifths_ratio(predikat, groups, min_n=1) == pytest.approx(0.25)
    # only one group survives -> undefined, not 1
    assert np.isnan(M.four_fifths_ratio(predikat[:19], groups[:19]))
    # same rule for continuous tables
    table = M.mean_by_group(np.arange(39.0), groups).set_index("group")
    assert bool(table.loc["A", "suppressed"]) and np.isnan(table.loc["A", "mean"])
    assert table.loc["B", "mean"] == pytest.approx(np.arange(9.0, 19.0).mean())


def test_empty_category_and_missing_label_are_shown_not_dropped():
    groups = pd.Series(pd.Categorical(["I"] * 12 + [None] * 3, categories=["I", "II"]))
    table = M.selection_rates(np.full(15, 4), groups)
    assert len(table) == 3
    assert table["n"].tolist() == [12, 0, 3]
    assert table["suppressed"].tolist() == [False, True, True]


def test_adverse_impact_flags_groups_below_four_fifths():
    groups = np.array(["L"] * 20 + ["P"] * 20 + ["X"] * 5)
    predikat = np.concatenate([np.repeat([4, 3], [10, 10]), np.repeat([4, 3], [7, 13]),
                               np.full(5, 4)])
    table = M.adverse_impact(predikat, groups).set_index("group")
    assert table.loc["P", "impact_ratio"] == pytest.approx(0.7)
    assert bool(table.loc["P", "adverse_impact"]) is True
    assert bool(table.loc["L", "adverse_impact"]) is False
    assert table.loc["X", "adverse_impact"] is pd.NA  # suppressed: not tested, not "fine"
    relaxed = M.adverse_impact(predikat, groups, threshold=0.6).set_index("group")
    assert bool(relaxed.loc["P", "adverse_impact"]) is False


def _planted(rng, n_raters=200, per_rater=10, rater_sd=1.0, noise_sd=1.0):
    n = n_raters * per_rater
    rater = np.repeat(np.arange(n_raters), per_rater)
    truth = rng.normal(size=n)
    score = 2.0 * truth + rng.normal(scale=rater_sd, size=n_raters)[rater] \
        + rng.normal(scale=noise_sd, size=n)
    return score, truth, rater


def test_variance_shares_recover_planted_rater_effect():
    rng = np.random.default_rng(7)
    score, truth, rater = _planted(rng)
    opd = rng.integers(0, 20, size=score.size)  # OPD unrelated to the rater effect
    shares = M.variance_shares(score, truth, rater, opd)
    # true share 1 / (1 + 1) = 0.5; sampling SE with 200 raters of 10 is about 0.03
    assert shares["rater"] == pytest.approx(0.5, abs=0.1)
    assert shares["opd"] < 0.03
    # a smaller planted effect: SD 0.5 vs noise 1 -> 0.25 / 1.25 = 0.2
    score2, truth2, rater2 = _planted(rng, rater_sd=0.5)
    assert M.variance_shares(score2, truth2, rater2, opd)["rater"] == pytest.approx(0.2, abs=0.07)


def test_variance_shares_planted_opd_effect_with_nested_raters():
    rng = np.random.default_rng(8)
    n_opd, raters_per_opd, per_rater = 40, 5, 8
    n = n_opd * raters_per_opd * per_rater
    rater = np.repeat(np.arange(n_opd * raters_per_opd), per_rater)
    opd = rater // raters_per_opd
    truth = rng.normal(size=n)
    score = truth + rng.normal(size=n_opd)[opd] + rng.normal(size=n)
    shares = M.variance_shares(score, truth, rater, opd)
    assert shares["opd"] == pytest.approx(0.5, abs=0.12)
    # raters nested in OPDs inherit the OPD effect: no rater-specific part planted
    assert shares["rater"] == pytest.approx(shares["opd"], abs=0.1)


def test_between_group_share_is_not_naive_eta_squared():
    rng = np.random.default_rng(9)
    values = rng.normal(size=3000)
    groups = np.repeat(np.arange(1000), 3)  # tiny groups, no effect
    means = np.bincount(groups, values) / 3
    eta_sq = np.sum(3 * (means - values.mean()) ** 2) / np.sum((values - values.mean()) ** 2)
    assert eta_sq > 0.25  # the naive estimator reports a large spurious effect
    assert M.between_group_share(values, groups) < 0.06
    untruncated = M.between_group_share(values, groups, truncate=False)
    assert abs(untruncated) < 0.06
    assert np.isnan(M.between_group_share(values, np.zeros(3000)))  # one group


# --------------------------------------------------------------------------- allowance


def _gini_pairs(x):
    x = np.asarray(x, dtype=float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())


def test_gini_hand_examples():
    assert M.gini([5.0, 5.0, 5.0, 5.0]) == pytest.approx(0.0, abs=1e-15)
    assert M.gini([0, 0, 0, 0, 7_000_000]) == pytest.approx(4 / 5)
    assert M.gini([1, 2, 3]) == pytest.approx(8 / 36)  # sum|xi-xj| = 8, 2 n^2 mean = 36
    assert M.gini([1, 2, 3, np.nan]) == pytest.approx(8 / 36)
    assert np.isnan(M.gini([0.0, 0.0]))
    with pytest.raises(ValueError, match="non-negative"):
        M.gini([1.0, -1.0])
    rng = np.random.default_rng(10)
    x = rng.lognormal(15, 0.5, size=300)
    assert M.gini(x) == pytest.approx(_gini_pairs(x), rel=1e-10)


def test_mean_by_group_columns_and_values():
    rng = np.random.default_rng(11)
    tpp = rng.normal(4e6, 5e5, size=100)
    gol = rng.choice(np.array(["I", "II", "III", "IV"]), size=100, p=[0.05, 0.25, 0.5, 0.2])
    table = M.mean_by_group(tpp, gol)
    assert list(table.columns) == ["group", "n", "mean", "suppressed"]
    for row in table.itertuples():
        member = gol == row.group
        assert row.n == member.sum()
        if row.n >= 10:
            assert row.mean == pytest.approx(tpp[member].mean())
            assert not row.suppressed
        else:
            assert np.isnan(row.mean) and row.suppressed


# --------------------------------------------------------------------------- intervals


def test_summarize_known_array():
    values = np.arange(101.0)  # 0..100: quantile q is exactly 100 q
    s = M.summarize(values)
    assert s["mean"] == pytest.approx(50.0)
    assert s["lo"] == pytest.approx(5.0) and s["hi"] == pytest.approx(95.0)
    assert s["lo"] <= s["mean"] <= s["hi"]
    assert s["n_replications"] == 101
    s50 = M.summarize(values, level=0.5)
    assert (s50["lo"], s50["hi"]) == (pytest.approx(25.0), pytest.approx(75.0))
    with_nan = M.summarize(np.r_[values, np.nan, np.nan])
    assert with_nan["n_replications"] == 101 and with_nan["hi"] == pytest.approx(95.0)
    with pytest.raises(ValueError):
        M.summarize(values, level=1.0)


def test_summarize_along_axis_and_all_nan():
    rng = np.random.default_rng(12)
    reps = rng.normal(size=(500, 3))
    reps[:, 2] = np.nan
    s = M.summarize(reps, axis=0)
    assert s["mean"].shape == (3,)
    assert np.allclose(s["lo"][:2], np.quantile(reps[:, :2], 0.05, axis=0))
    assert np.allclose(s["hi"][:2], np.quantile(reps[:, :2], 0.95, axis=0))
    assert np.isnan(s["mean"][2]) and s["n_replications"].tolist() == [500, 500, 0]


def test_interval_frame_forms_agree():
    rng = np.random.default_rng(13)
    kappa = rng.uniform(0.3, 0.5, size=50)
    gap_l, gap_p = rng.normal(size=50), rng.normal(size=50)
    gap_p[:10] = np.nan  # P suppressed in 10 replications
    from_dict = M.interval_frame({"kappa": kappa, "gap": {"L": gap_l, "P": gap_p}})
    assert list(from_dict.columns) == ["metric", "group", "mean", "lo", "hi", "n_replications"]
    assert from_dict[["metric", "group"]].values.tolist() == [["kappa", "all"], ["gap", "L"],
                                                              ["gap", "P"]]
    assert from_dict["n_replications"].tolist() == [50, 50, 40]
    k = from_dict.iloc[0]
    assert k["mean"] == pytest.approx(kappa.mean())
    assert k["lo"] == pytest.approx(np.quantile(kappa, 0.05))
    wide = M.interval_frame({"gap": pd.DataFrame({"L": gap_l, "P": gap_p})})
    long = pd.DataFrame({
        "replication": np.tile(np.arange(50), 3),
        "metric": ["kappa"] * 50 + ["gap"] * 100,
        "group": ["all"] * 50 + ["L"] * 50 + ["P"] * 50,
        "value": np.concatenate([kappa, gap_l, gap_p]),
    })
    from_long = M.interval_frame(long)
    for other in (wide, from_long.iloc[1:].reset_index(drop=True)):
        assert np.allclose(other[["mean", "lo", "hi"]].to_numpy(dtype=float),
                           from_dict.iloc[1:][["mean", "lo", "hi"]].to_numpy(dtype=float))
    assert np.allclose(from_long[["mean", "lo", "hi"]].to_numpy(dtype=float),
                       from_dict[["mean", "lo", "hi"]].to_numpy(dtype=float))
    assert from_long["n_replications"].tolist() == [50, 50, 40]
    with pytest.raises(ValueError, match="lacks column"):
        M.interval_frame(pd.DataFrame({"metric": ["x"]}))


def test_per_replication_pipeline_end_to_end():
    """Metrics per replication, then summarised: the suppressed group stays visible."""
    records: dict[str, list] = {"spearman": [], "ratio": []}
    parity = []
    for r in range(20):
        rng = np.random.default_rng(100 + r)
        n = 200
        truth = rng.normal(size=n)
        score = truth + rng.normal(size=n)
        status = np.where(np.arange(n) < 5, "PPPK", "PNS")  # only 5 PPPK: always suppressed
        predikat = np.digitize(score, [-1.5, -0.5, 0.5, 1.5])
        records["spearman"].append(M.spearman(score, truth))
        records["ratio"].append(M.four_fifths_ratio(predikat, status))
        parity.append(M.conditional_parity(score, truth, status)
                      .set_index("group")["mean_residual"])
    table = M.interval_frame({**records, "parity": pd.DataFrame(parity)})
    rows = table.set_index(["metric", "group"])
    assert 0.5 < rows.loc[("spearman", "all"), "mean"] < 0.9
    assert rows.loc[("ratio", "all"), "n_replications"] == 0  # < 2 groups survive, every time
    assert rows.loc[("parity", "PPPK"), "n_replications"] == 0
    assert rows.loc[("parity", "PNS"), "n_replications"] == 20
