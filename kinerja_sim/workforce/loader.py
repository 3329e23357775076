"""Load a real employee file (CSV or XLSX) into a :class:`Workforce`.

The file follows :mod:`kinerja_sim.workforce.schema` (documented in ``docs/data.md``). Every cell
is checked and *every* problem is reported at once in one :class:`InputError` (file, spreadsheet
row, column, what is wrong, what was expected): analysts fix these files in Excel, so stopping
at the first bad cell would make them iterate one cell at a time. Nothing is silently dropped or
coerced: "12,5" in a numeric column, 3.7 in an integer column, an unknown rater or an unknown
indicator are all errors naming the row.

NIPs are replaced by salted-hash pseudonyms (:mod:`.pseudonym`), so are ``id_pegawai`` values
that do not have the documented pseudonym shape, and names are dropped while loading; none of
them is kept anywhere in the returned Workforce, nor repeated in an error message.

Three steps, one module each: :mod:`.reader` turns the file into raw text cells,
:mod:`.checks` validates every cell column-wise (a 50,000-row CSV loads in about a second), and
this module builds the pseudonymised Workforce from the checked table.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.indicators import Catalogue, arrays, default_catalogue
from kinerja_sim.schemes.base import BERAKHLAK, JENIS_JABATAN, Measurements
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.checks import CheckedTable, TableChecker
from kinerja_sim.workforce.model import EXTERNAL_RATER, TaskPlan, Workforce
from kinerja_sim.workforce.pseudonym import (
    PseudonymClash,
    pseudonymize_ids,
    resolve_salt,
    unique_pseudonyms,
)
from kinerja_sim.workforce.reader import RawTable, read_table  # noqa: F401  (re-exported)


def load_workforce(path: str | os.PathLike, *, sheet: str = "pegawai", salt: str | None = None,
                   catalogue: Catalogue | None = None) -> Workforce:
    """Load an employee file (``.csv`` UTF-8 or ``.xlsx``) into a :class:`Workforce`.

    ``sheet`` names the worksheet of an XLSX file (ignored for CSV). ``salt`` keys the NIP
    pseudonyms (default: ``$KINERJA_SIM_SALT``, else a random salt, making pseudonyms stable
    within this load only; see :func:`~kinerja_sim.workforce.pseudonym.resolve_salt`).
    ``catalogue`` is the indicator catalogue the ``iki{k}_indikator`` names refer to
    (default: the packaged one).

    Raises :class:`~kinerja_sim.errors.InputError` listing every problem in the file.
    """
    file = str(path)
    cat = catalogue if catalogue is not None else default_catalogue()
    salt = resolve_salt(salt)
    table = read_table(path, sheet=sheet, file=file)
    checked = TableChecker(table, cat, file).run()
    return _build(checked, cat, salt, file)


def _pseudonymize_ids_of_file(ids: pd.Series, salt: str, ck: CheckedTable,
                              file: str) -> pd.Series:
    """:func:`pseudonymize_ids`, a clash reported as an input problem naming both rows.

    Neither id is shown: one is a raw identifier, the other its pseudonym under the secret salt.
    """
    try:
        return pseudonymize_ids(ids, salt)
    except PseudonymClash as clash:
        id_col = sc.IDENTITY[ck.mode][0]
        raise InputError([Problem(
            file, f"rows {ck.rows[raw]}, {ck.rows[kept]}",
            f"the {id_col} of row {ck.rows[raw]}, pseudonymised with this salt, is the "
            f"{id_col} of row {ck.rows[kept]}: the same employee appears once raw and once "
            "already pseudonymised", id_col,
            f"each employee on one row, every {id_col} either raw or a pseudonym of this salt")
            for raw, kept in clash.pairs]) from None


def _build(ck: CheckedTable, cat: Catalogue, salt: str, file: str) -> Workforce:
    v, n, k = ck.values, ck.n, ck.slots
    id_col, rater_col = sc.IDENTITY[ck.mode]
    ids = pd.Series(v[id_col], dtype=object)
    rater = pd.Series(v[rater_col], dtype=object)
    # NIPs always hashed; ids: documented pseudonym shapes stay, any other (a NIP, a name) hashed
    pseudo = (unique_pseudonyms(ids, salt) if ck.mode == "nip"
              else _pseudonymize_ids_of_file(ids, salt, ck, file))
    table = dict(zip(ids, pseudo, strict=True))
    table[EXTERNAL_RATER] = EXTERNAL_RATER
    ids, rater = pseudo, rater.map(table)
    ids_arr = ids.to_numpy(dtype=object)
    rater_arr = rater.to_numpy(dtype=object)

    opd = v["opd"]
    unit = v["unit_kerja"]
    is_opd_head = v["kepala_opd"].astype(bool)
    # unit head: top of the rating chain inside its (OPD, unit) -- rates another employee of
    # the same unit but is not rated from inside it -- or head of the OPD. (A Pengawas who
    # rates staff of the unit is rated by the unit head, so is not a unit head.)
    unit_key = (pd.Series(opd).astype(str) + "\x00" + pd.Series(unit).astype(str)).to_numpy()
    pos_of = pd.Series(np.arange(n), index=ids_arr)
    r_idx = pd.Series(rater_arr).map(pos_of).to_numpy()
    has = ~np.isnan(r_idx)
    r_int = np.where(has, r_idx, 0).astype(np.int64)
    same_unit = has & (unit_key[r_int] == unit_key) & (r_int != np.arange(n))
    rates_in_unit = np.zeros(n, dtype=bool)
    rates_in_unit[r_int[same_unit]] = True
    is_unit_head = is_opd_head | (rates_in_unit & ~same_unit)

    employees = pd.DataFrame({
        "employee_id": ids_arr,
        "opd": pd.Categorical(opd, categories=pd.unique(opd)),
        "unit": pd.Categorical(unit, categories=pd.unique(unit)),
        "rater_id": rater_arr,
        "jenis_jabatan": pd.Categorical(v["jenis_jabatan"], categories=list(JENIS_JABATAN)),
        "rumpun": pd.Categorical(v["rumpun"], categories=list(cat.assignment.by_rumpun)),
        "status": pd.Categorical(v["status"], categories=list(sc.STATUS)),
        "golongan": pd.Categorical(v["golongan"], categories=list(sc.GOLONGAN)),
        "gender": pd.Categorical(v["jenis_kelamin"], categories=list(sc.JENIS_KELAMIN)),
        "age": v["usia"].astype(np.int16),
        "tenure_years": v["masa_kerja"].astype(np.int16),
        "kelas_jabatan": v["kelas_jabatan"].astype(np.int8),
        "is_opd_head": is_opd_head,
        "is_unit_head": is_unit_head,
    })

    code_of = {name: i for i, name in enumerate(cat.names)}
    code = np.full((n, k), -1, dtype=np.int16)
    utama = np.zeros((n, k), dtype=bool)
    fields = {f: np.full((n, k), np.nan) for f in ("target", "realisasi", "kualitas",
                                                   "waktu_target", "waktu_realisasi",
                                                   "biaya_target", "biaya_realisasi")}
    for s in range(k):
        p = f"iki{s + 1}_"
        names = pd.Series(v[p + "indikator"], dtype=object)
        code[:, s] = names.map(code_of).fillna(-1).to_numpy(dtype=np.int16)
        utama[:, s] = v[p + "utama"] & (code[:, s] >= 0)
        for f, arr in fields.items():
            if p + f in v:
                arr[:, s] = v[p + f]
    slot = code >= 0
    for arr in fields.values():
        arr[~slot] = np.nan
    hib = arrays(cat).higher_is_better
    higher = np.where(slot, hib[np.where(slot, code, 0)], True)

    perilaku = np.column_stack([v[sc.perilaku_column(b)] for b in BERAKHLAK]).astype(np.float64)
    late = np.column_stack([v[sc.late_column(b)] for b in sc.LATE_BANDS]).astype(np.int64)
    innovation = v["inovasi"].astype(bool) if "inovasi" in v else np.zeros(n, dtype=bool)

    # the plan gets its own copies: a scheme editing observed arrays must not change the plan
    plan = TaskPlan(indicator=code.copy(), target=fields["target"].copy(), utama=utama.copy(),
                    time_target=fields["waktu_target"].copy(),
                    cost_target=fields["biaya_target"].copy())
    observed = Measurements(
        indicator=code, indicator_names=cat.names, target=fields["target"],
        realisation=fields["realisasi"], higher_is_better=higher, utama=utama,
        quality=fields["kualitas"], time_target=fields["waktu_target"],
        time_realisation=fields["waktu_realisasi"], cost_target=fields["biaya_target"],
        cost_realisation=fields["biaya_realisasi"], perilaku=perilaku,
        days_absent=v["hari_tidak_hadir"].astype(np.int64), late=late, innovation=innovation,
    )
    return Workforce(employees=employees, plan=plan, observed=observed, source=file)
