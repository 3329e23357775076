"""Exporter of workforces to the employee file schema, and the export -> load round trip."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kinerja_sim.indicators import arrays, default_catalogue
from kinerja_sim.schemes.base import JENIS_JABATAN, Measurements
from kinerja_sim.workforce import schema as sc
from kinerja_sim.workforce.export import export_workforce, workforce_frame
from kinerja_sim.workforce.loader import load_workforce
from kinerja_sim.workforce.model import (
    EMPLOYEE_COLUMNS,
    EXTERNAL_RATER,
    LATENT_COLUMNS,
    TaskPlan,
    Workforce,
)

MEASURED = ("indicator", "target", "realisation", "higher_is_better", "utama", "quality",
            "time_target", "time_realisation", "cost_target", "cost_realisation", "perilaku",
            "days_absent", "late", "innovation")


def make_workforce(n_opd: int = 4, per_opd: int = 12, k: int = 3, seed: int = 7) -> Workforce:
    """OPDs with a head (rated by WALIKOTA, unit "Pimpinan"), two unit heads rated by the
    head, and staff rated by their unit head; random plans with empty slots, unreported
    realisations and partial quality/time/cost data; latent traits that must not be exported."""
    rng = np.random.default_rng(seed)
    cat = default_catalogue()
    n = n_opd * per_opd
    i = np.arange(n)
    pos = i % per_opd
    opd = np.array([f"Dinas Uji {o + 1}" for o in i // per_opd], dtype=object)
    unit_no = np.where(pos == 0, 0, np.where(pos <= 2, pos, 1 + (pos % 2)))
    unit = np.array(["Pimpinan", "Sekretariat", "Bidang Layanan, Data & \"Informasi\""],
                    dtype=object)[unit_no]
    ids = np.array([f"E{x:07d}" for x in i], dtype=object)  # the documented pseudonym shape
    head = i - pos
    rater = np.where(pos == 0, -1, np.where(pos <= 2, head, head + unit_no))
    rater_id = np.where(rater >= 0, ids[np.maximum(rater, 0)], EXTERNAL_RATER)
    jab = np.where(pos == 0, 0, np.where(pos <= 2, 1, rng.integers(2, 5, n)))
    age = rng.integers(25, 60, n)
    employees = pd.DataFrame({
        "employee_id": ids,
        "opd": pd.Categorical(opd),
        "unit": pd.Categorical(unit),
        "rater_id": rater_id,
        "jenis_jabatan": pd.Categorical.from_codes(jab, categories=list(JENIS_JABATAN)),
        "rumpun": pd.Categorical(rng.choice(list(cat.assignment.by_rumpun), n)),
        "status": pd.Categorical(rng.choice(["PNS", "PPPK"], n)),
        "golongan": pd.Categorical(rng.choice(["I", "II", "III", "IV"], n)),
        "gender": pd.Categorical(rng.choice(["L", "P"], n)),
        "age": age.astype(np.int16),
        "tenure_years": np.minimum(rng.integers(0, 30, n), age - 15).astype(np.int16),
        "kelas_jabatan": rng.integers(1, 18, n).astype(np.int8),
        "is_opd_head": pos == 0,
        "is_unit_head": pos <= 2,
        **{c: rng.standard_normal(n) for c in LATENT_COLUMNS},
    })
    code = rng.integers(0, len(cat.names), (n, k)).astype(np.int16)
    code[:, 1:][rng.random((n, k - 1)) < 0.3] = -1
    slot = code >= 0

    def per_slot(values: np.ndarray, p_missing: float = 0.0) -> np.ndarray:
        out = np.where(slot, values, np.nan)
        out[rng.random((n, k)) < p_missing] = np.nan
        return out

    target = per_slot(rng.uniform(0.5, 500, (n, k)))
    time_target = per_slot(np.full((n, k), 3.0), 0.2)
    cost_target = per_slot(rng.uniform(0, 5e7, (n, k)).round(2), 0.6)
    utama = slot & (rng.random((n, k)) < 0.6)
    hib = arrays(cat).higher_is_better
    plan = TaskPlan(indicator=code, target=target, utama=utama, time_target=time_target,
                    cost_target=cost_target)
    observed = Measurements(
        indicator=code, indicator_names=cat.names, target=target,
        realisation=per_slot(target * rng.lognormal(0, 0.2, (n, k)), 0.1),
        higher_is_better=np.where(slot, hib[np.where(slot, code, 0)], True), utama=utama,
        quality=per_slot(rng.uniform(0, 100, (n, k)), 0.3), time_target=time_target,
        time_realisation=per_slot(rng.uniform(0.5, 4, (n, k)), 0.3), cost_target=cost_target,
        cost_realisation=per_slot(rng.uniform(0, 5e7, (n, k)), 0.6),
        perilaku=rng.uniform(40, 100, (n, 7)), days_absent=rng.poisson(1, n),
        late=rng.poisson(1, (n, 4)), innovation=rng.random(n) < 0.1,
    )
    return Workforce(employees=employees, plan=plan, observed=observed, source="uji")


def assert_same(a: Workforce, b: Workforce) -> None:
    assert tuple(b.employees.columns) == EMPLOYEE_COLUMNS
    for col in EMPLOYEE_COLUMNS:
        x, y = a.employees[col], b.employees[col]
        if col in ("age", "tenure_years", "kelas_jabatan", "is_opd_head", "is_unit_head"):
            np.testing.assert_array_equal(x.to_numpy(), y.to_numpy(), err_msg=col)
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), col
    ma, mb = a.observed, b.observed
    assert mb.indicator_names == ma.indicator_names
    for f in MEASURED:
        x, y = np.asarray(getattr(ma, f)), np.asarray(getattr(mb, f))
        assert x.shape == y.shape, f
        if x.dtype.kind == "f":
            np.testing.assert_allclose(y, x, rtol=1e-12, atol=0, equal_nan=True, err_msg=f)
        else:
            np.testing.assert_array_equal(y, x, err_msg=f)
    for f in ("indicator", "target", "utama", "time_target", "cost_target"):
        np.testing.assert_allclose(getattr(b.plan, f), getattr(a.plan, f), rtol=1e-12,
                                   equal_nan=True, err_msg=f)


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_round_trip(tmp_path, ext):
    wf = make_workforce()
    path = export_workforce(wf, tmp_path / f"pegawai.{ext}")
    back = load_workforce(path, salt="tidak-dipakai")
    assert back.n == wf.n and not back.is_synthetic and back.source == str(path)
    assert_same(wf, back)


def test_round_trip_of_synthetic_workforce(tmp_path):
    from kinerja_sim.workforce import synthesize

    wf = synthesize("binjai", n=400)
    back = load_workforce(export_workforce(wf, tmp_path / "s.csv"))
    assert_same(wf, back)


def test_xlsx_has_data_and_description_sheets_without_private_columns(tmp_path):
    wf = make_workforce(n_opd=2)
    path = export_workforce(wf, tmp_path / "pegawai.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["pegawai", "keterangan"]
    header = [c.value for c in wb["pegawai"][1]]
    assert header[:2] == ["id_pegawai", "id_penilai"]
    assert header == [c.name for c in sc.columns(slots=3, identity="id") if c.name != "nama"]
    assert not any(h.startswith(("nip", "nama", "latent")) for h in header)
    assert wb["pegawai"].max_row == wf.n + 1
    ket = list(wb["keterangan"].values)
    assert ket[0] == ("kolom", "wajib", "tipe", "nilai_yang_diizinkan", "keterangan")
    assert [r[0] for r in ket[1:]] == header
    row = {r[0]: r for r in ket[1:]}
    assert row["iki1_realisasi"][4].startswith("Realisasi IKI. Kosong = tidak dilaporkan")
    assert row["status"][3] == "PNS / PPPK"
    # no formulas, and the latent values are nowhere in the file
    text = "".join(zipfile.ZipFile(path).read(n).decode("utf-8", "replace")
                   for n in zipfile.ZipFile(path).namelist())
    assert "<f>" not in text and "latent" not in text
    assert repr(float(wf.employees["latent_ability"].iloc[0])) not in text


def test_csv_is_utf8_with_the_same_columns(tmp_path):
    wf = make_workforce(n_opd=1)
    path = export_workforce(wf, tmp_path / "pegawai.csv")
    text = path.read_bytes().decode("utf-8")
    first = text.lstrip("\ufeff").splitlines()[0].split(",")
    assert first == list(workforce_frame(wf).columns)
    assert "latent" not in text and "nip" not in text
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame.loc[0, "id_penilai"] == EXTERNAL_RATER
    assert set(frame["kepala_opd"]) == {"ya", "tidak"}
    empty = wf.observed.indicator[:, 1] < 0
    assert (frame.loc[empty, "iki2_indikator"] == "").all()
    assert (frame.loc[empty, "iki2_utama"] == "").all()


def test_export_requires_observed_and_a_known_format(tmp_path):
    wf = make_workforce(n_opd=1)
    bare = Workforce(wf.employees, wf.plan, None, "uji")
    with pytest.raises(ValueError, match="observed"):
        export_workforce(bare, tmp_path / "p.xlsx")
    with pytest.raises(ValueError, match=".xlsx or .csv"):
        export_workforce(wf, tmp_path / "p.txt")
    nips = wf.employees.assign(employee_id=[f"1990010120150310{x:02d}" for x in range(wf.n)])
    with pytest.raises(ValueError, match="look like NIPs"):
        export_workforce(Workforce(nips, wf.plan, wf.observed, "uji"), tmp_path / "p.csv")
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "p.xlsx").exists()


# -- gaps found by mutation testing (issue 12) ---------------------------------------------


def test_export_errors_are_exact(tmp_path):
    wf = make_workforce(n_opd=1)
    with pytest.raises(ValueError) as ei:
        workforce_frame(Workforce(wf.employees, wf.plan, None, "uji"))
    assert str(ei.value) == ("export_workforce needs a Workforce with observed measurements "
                             "(wf.observed is None)")
    six = make_workforce(n_opd=1, k=6)
    with pytest.raises(ValueError) as ei:
        workforce_frame(six)
    assert str(ei.value) == "the Workforce has 6 IKI slots; the file schema allows at most 5"
    nips = wf.employees.assign(employee_id=[f"1990010120150310{x:02d}" for x in range(wf.n)])
    with pytest.raises(ValueError) as ei:
        workforce_frame(Workforce(nips, wf.plan, wf.observed, "uji"))
    assert str(ei.value) == "employee_id values look like NIPs; refusing to export them"
    for col, src in (("opd", "opd"), ("unit_kerja", "unit"), ("id_penilai", "rater_id")):
        e = wf.employees.copy()
        e[src] = e[src].astype(str)
        e.loc[3, src] = "=HYPERLINK(\"http://x\")"
        with pytest.raises(ValueError) as ei:
            workforce_frame(Workforce(e, wf.plan, wf.observed, "uji"))
        assert str(ei.value) == (f"column '{col}' has values starting with '=', which "
                                 "spreadsheets would run as formulas")


def test_the_largest_schema_plan_of_five_slots_exports_and_loads_back(tmp_path):
    wf = make_workforce(n_opd=2, k=5)
    frame = workforce_frame(wf)
    assert "iki5_biaya_realisasi" in frame.columns and "iki6_target" not in frame.columns
    back = load_workforce(export_workforce(wf, tmp_path / "p.csv"), salt="tidak-dipakai")
    assert_same(wf, back)


def test_empty_slot_cells_are_empty_text_and_missing_numbers():
    wf = make_workforce(n_opd=1)
    frame = workforce_frame(wf)
    empty = wf.observed.indicator[:, 1] < 0
    assert empty.any()
    assert frame.loc[empty, "iki2_indikator"].tolist() == [""] * empty.sum()
    assert frame.loc[empty, "iki2_utama"].tolist() == [""] * empty.sum()
    for f in ("target", "realisasi", "kualitas", "waktu_target", "waktu_realisasi",
              "biaya_target", "biaya_realisasi"):
        assert frame[f"iki2_{f}"].dtype == np.float64, f
        assert frame.loc[empty, f"iki2_{f}"].isna().all(), f


def test_csv_starts_with_the_byte_order_mark_excel_needs(tmp_path):
    # docstring: UTF-8 with a byte order mark, so Excel shows non-ASCII names correctly
    wf = make_workforce(n_opd=1)
    raw = export_workforce(wf, tmp_path / "p.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf" * 2)


def test_xlsx_data_sheet_keeps_its_header_row_visible(tmp_path):
    path = export_workforce(make_workforce(n_opd=1), tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["pegawai"].freeze_panes == "A2"
