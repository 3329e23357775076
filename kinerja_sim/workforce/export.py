"""Write a :class:`Workforce` in the employee file schema (the loader's input format).

The file uses ``id_pegawai`` / ``id_penilai`` (the pseudonyms); it never contains a NIP, a
name, or the simulation-only ``latent_*`` columns. An ``.xlsx`` gets the data on sheet
"pegawai" and a sheet "keterangan" describing every column; a ``.csv`` is UTF-8 (with a byte
order mark so Excel shows non-ASCII names correctly). ``is_unit_head`` is not written: the
loader derives it from the rater relation. Both go through :mod:`kinerja_sim.report.files`
(atomic, formula-inert) like every other file the project writes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_sim.schemes.base import BERAKHLAK
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.model import Workforce

DATA_SHEET = "pegawai"
INFO_SHEET = "keterangan"
_NIP_LIKE = re.compile(r"\d{18}")


def export_workforce(wf: Workforce, path: str | os.PathLike) -> Path:
    """Write ``wf`` (which must carry ``observed`` measurements) to ``path`` (.xlsx or .csv)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".xlsx", ".csv"):
        raise ValueError(f"cannot export to '{p.name}': use a .xlsx or .csv file name")
    # the one writer layer: atomic, every text cell inert (imported here: it lives in report/)
    from kinerja_sim.report.files import write_csv, write_sheets

    frame = workforce_frame(wf)
    if ext == ".csv":
        write_csv(p, frame, encoding="utf-8-sig")
    else:
        write_sheets(p, {DATA_SHEET: frame, INFO_SHEET: keterangan_frame(list(frame.columns))},
                     freeze_header=True)
    return p


def workforce_frame(wf: Workforce) -> pd.DataFrame:
    """The Workforce as a table in the file schema (``id_pegawai`` identity, no latent data)."""
    m = wf.observed
    if m is None:
        raise ValueError("export_workforce needs a Workforce with observed measurements "
                         "(wf.observed is None)")
    e = wf.employees
    k = m.indicator.shape[1]
    if k > sc.MAX_SLOTS:
        raise ValueError(f"the Workforce has {k} IKI slots; the file schema allows at most "
                         f"{sc.MAX_SLOTS}")
    ids = e["employee_id"].astype(str)
    if ids.str.fullmatch(_NIP_LIKE.pattern).any():
        raise ValueError("employee_id values look like NIPs; refusing to export them")

    def text(col: str) -> np.ndarray:
        return e[col].astype(str).to_numpy(dtype=object)

    def yn(a: np.ndarray) -> np.ndarray:
        return np.where(np.asarray(a, dtype=bool), sc.YA, sc.TIDAK).astype(object)

    out: dict[str, object] = {
        "id_pegawai": ids.to_numpy(dtype=object),
        "id_penilai": text("rater_id"),
        "opd": text("opd"),
        "unit_kerja": text("unit"),
        "jenis_jabatan": text("jenis_jabatan"),
        "rumpun": text("rumpun"),
        "status": text("status"),
        "golongan": text("golongan"),
        "jenis_kelamin": text("gender"),
        "usia": e["age"].to_numpy(dtype=np.int64),
        "masa_kerja": e["tenure_years"].to_numpy(dtype=np.int64),
        "kelas_jabatan": e["kelas_jabatan"].to_numpy(dtype=np.int64),
        "kepala_opd": yn(e["is_opd_head"].to_numpy()),
    }
    code = np.asarray(m.indicator)
    slot = code >= 0
    names = np.array(list(m.indicator_names) + [""], dtype=object)
    arrays = {"target": m.target, "realisasi": m.realisation, "kualitas": m.quality,
              "waktu_target": m.time_target, "waktu_realisasi": m.time_realisation,
              "biaya_target": m.cost_target, "biaya_realisasi": m.cost_realisation}
    for s in range(k):
        p = f"iki{s + 1}_"
        used = slot[:, s]
        out[p + "indikator"] = names[np.where(used, code[:, s], -1)]
        out[p + "utama"] = np.where(used, yn(m.utama[:, s]), "").astype(object)
        for f, a in arrays.items():
            out[p + f] = np.where(used, np.asarray(a, dtype=np.float64)[:, s], np.nan)
    for j, b in enumerate(BERAKHLAK):
        out[sc.perilaku_column(b)] = np.asarray(m.perilaku, dtype=np.float64)[:, j]
    out["hari_tidak_hadir"] = np.asarray(m.days_absent, dtype=np.int64)
    for j, b in enumerate(sc.LATE_BANDS):
        out[sc.late_column(b)] = np.asarray(m.late, dtype=np.int64)[:, j]
    out["inovasi"] = yn(m.innovation)
    frame = pd.DataFrame(out)
    for col in ("id_pegawai", "id_penilai", "opd", "unit_kerja"):
        if frame[col].str.startswith("=").any():
            raise ValueError(f"column '{col}' has values starting with '=', which spreadsheets "
                             "would run as formulas")
    expected = [c.name for c in sc.columns(slots=k, identity="id") if c.name != sc.NAME_COLUMN]
    assert list(frame.columns) == expected, "export columns out of step with the schema"
    return frame


def keterangan_frame(columns: list[str]) -> pd.DataFrame:
    """Description of the written columns (sheet "keterangan")."""
    by_name = {c.name: c for c in sc.columns(slots=sc.MAX_SLOTS, identity="id")}
    rows = [(c.name, c.wajib, c.tipe, c.nilai, c.deskripsi)
            for c in (by_name[name] for name in columns)]
    return pd.DataFrame(rows, columns=["kolom", "wajib", "tipe", "nilai_yang_diizinkan",
                                       "keterangan"])
