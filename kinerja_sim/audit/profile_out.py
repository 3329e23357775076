"""``calibrate --profile-out``: a workforce profile with a real file's composition, no person in it.

The profile mirrors the file's OPDs (their sizes and unit counts), rumpun, jenis jabatan mix,
PPPK and female shares, age and golongan distributions, in the schema of
``data/profiles/*.yaml`` so that ``synthesize(profile)`` builds a synthetic workforce shaped
like the real one. Every count is rounded to a multiple of ``profile.rounding`` (audit.yaml;
at least that many), and a share is taken only from groups of at least ``min_group_size``
employees (else the packaged Binjai value is kept), so no cell under 10 is exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from kinerja_sim.audit.common import param
from kinerja_sim.metrics import metrics_param
from kinerja_sim.params import load_yaml
from kinerja_sim.schemes.base import JENIS_JABATAN
from kinerja_sim.strict import validate_model
from kinerja_sim.workforce.model import Workforce
from kinerja_sim.workforce.profile import Profile

FILE_UNIT = "unit_berkas"


def _round(x: float, step: int) -> int:
    return int(max(step, step * round(float(x) / step)))


def profile_dict(wf: Workforce, file_id: str) -> dict:
    """The profile as a mapping (validated against the profile schema)."""
    e = wf.employees
    step = int(param("profile.rounding"))
    min_n = metrics_param("min_group_size")
    base = load_yaml("profiles/binjai.yaml")
    jab = e["jenis_jabatan"].astype(str)
    non_struct = jab.isin(["Fungsional", "Pelaksana"])
    units = e.groupby(["opd", "unit"], observed=True).size()
    peng_per_unit = (e.loc[jab == "Pengawas"].groupby(["opd", "unit"], observed=True).size()
                     .reindex(units.index).fillna(0))
    f_share = float((jab[non_struct] == "Fungsional").mean()) if non_struct.sum() >= min_n \
        else 0.5
    unit_types = {"pimpinan": {"head": "JPT", "pengawas": 0, "fungsional_share": 0.0},
                  FILE_UNIT: {"head": "Administrator",
                              "pengawas": int(round(float(peng_per_unit.median()))),
                              "fungsional_share": round(f_share, 2)}}
    opds = []
    for opd, g in e.groupby("opd", observed=True):
        n_units = max(1, int(g["unit"].nunique()) - 1)
        size = _round(len(g), step)
        rumpun = g["rumpun"].astype(str).mode().iat[0]
        opds.append({"name": str(opd), "rumpun": rumpun,
                     "units": {"pimpinan": 1,
                               FILE_UNIT: {"count": n_units,
                                           "size": max(2, int(round(size / n_units)))}}})

    def shares(col: str, value: str) -> dict[str, float]:
        out = {}
        for r, g in e.groupby("rumpun", observed=True):
            if len(g) >= min_n:
                out[str(r)] = round(float((g[col].astype(str) == value).mean()), 2)
        out["default"] = round(float((e[col].astype(str) == value).mean()), 2)
        return out

    demo = base["demographics"]
    demo["pppk_share"] = shares("status", "PPPK")
    demo["female_share"] = shares("gender", "P")
    for status in ("PNS", "PPPK"):
        a = e.loc[e["status"].astype(str) == status, "age"]
        if len(a) >= min_n:
            demo["age"][status] = {"mean": round(float(a.mean())), "sd": round(float(a.std()))}
    gol = {}
    for j in JENIS_JABATAN:
        g = e.loc[jab == j, "golongan"].astype(str)
        if len(g) >= min_n:
            counts = g.value_counts()
            gol[j] = {k: round(float(v / len(g)), 2) for k, v in counts.items()
                      if v >= min_n}
        gol[j] = gol.get(j) or demo["golongan"][j]
    demo["golongan"] = gol
    demo["reference"] = (f"composition of file {file_id} (counts rounded to multiples of "
                         f"{step}; shares from groups of at least {min_n})")
    data = {"name": f"berkas_{file_id[:8]}",
            "label": {"id": f"Komposisi berkas {file_id[:8]}",
                      "en": f"Composition of file {file_id[:8]}"},
            "reference": f"kinerja-sim calibrate --profile-out from file {file_id}",
            "unit_types": unit_types, "opds": opds, "demographics": demo,
            "latent": base["latent"]}
    validate_model(Profile, data, file="<profile-out>")
    return data


def profile_yaml(wf: Workforce, file_id: str) -> str:
    header = ("# Workforce profile written by `kinerja-sim calibrate --profile-out`: the file's\n"
              "# composition, counts rounded, no person's data (docs/audit.md).\n")
    return header + yaml.safe_dump(profile_dict(wf, file_id), sort_keys=False,
                                   allow_unicode=True)


def composition(wf: Workforce) -> pd.Series:
    """Employees per OPD (for tests: compare a synthesized profile with its source)."""
    return wf.employees.groupby("opd", observed=True).size().astype(np.int64)
