"""docs/scenarios.md: the worked example is read from the page, validated and simulated, and it
does what the page says (a 60 % Baik cap in Baik-rated OPDs, Dinas Kesehatan rated Istimewa,
rater training from period 1)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from kinerja_sim.scenario import load_scenario
from kinerja_sim.simulate import simulate
from kinerja_sim.yaml_safe import load_text

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"


def _worked_example() -> dict:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    example = [b for b in blocks if b.startswith("# docs/scenarios.md worked example")]
    assert len(example) == 1, "the worked example block is missing from docs/scenarios.md"
    return load_text(example[0])


def test_worked_example_validates_and_resolves_as_described():
    sc = load_scenario(_worked_example())
    assert sc.name == "kurva_60_pelatihan"
    dist = sc.scheme_params.distribution
    assert dist.enabled  # inherited from permenpanrb_6_2022_kurva
    (cap,) = dist.rules["Baik"].caps
    assert cap.max_share == 0.60 and cap.category == "Baik"
    assert dist.rules["Baik"].floors, "floors of the Baik rule are inherited (dicts merge)"
    assert sc.spec.organisation.by_opd == {"Dinas Kesehatan": "Istimewa"}
    assert sc.rollout_params.rater_training.enabled


def test_worked_example_runs_and_the_stricter_cap_holds(small_workforce):
    sc = load_scenario(_worked_example())
    base = load_scenario("permenpanrb_6_2022_kurva")
    sim = simulate(small_workforce, sc, seed=5, periods=2)
    ref = simulate(small_workforce, base, seed=5, periods=2)
    df = sim.final
    staff = df[~df["is_opd_head"]]
    for opd, g in staff.groupby("opd", observed=True):
        if opd == "Dinas Kesehatan":
            continue
        assert (g["predikat"] == "Baik").sum() <= np.floor(0.60 * len(g)), opd
    kes = staff[staff["opd"] == "Dinas Kesehatan"]
    assert (kes["predikat"] == "Sangat Baik").sum() <= np.floor(0.70 * len(kes))
    assert not np.array_equal(sim.panel["predikat"], ref.panel["predikat"])
