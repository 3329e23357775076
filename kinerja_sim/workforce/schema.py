"""The employee file schema, as data.

One row per employee; headers are Indonesian snake_case. The same column list drives the loader
(:mod:`kinerja_sim.workforce.loader`: what to check), the exporter
(:mod:`kinerja_sim.workforce.export`: what to write, and the "keterangan" sheet) and
``docs/data.md`` (the table there is :func:`markdown_table`; a test keeps them in sync).

Descriptions (``deskripsi``) are in Bahasa Indonesia because they end up in the analysts'
spreadsheets; the ``expected`` texts used in error messages are English like the rest of the
error output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kinerja_sim.indicators import Catalogue, default_catalogue
from kinerja_sim.schemes.base import BERAKHLAK, JENIS_JABATAN
from kinerja_sim.workforce.model import EXTERNAL_RATER

#: IKI slots per employee (``iki1_*`` .. ``iki5_*``).
MAX_SLOTS = 5
STATUS = ("PNS", "PPPK")
GOLONGAN = ("I", "II", "III", "IV")
JENIS_KELAMIN = ("L", "P")
#: Accepted spellings of yes/no cells (case-insensitive). Canonical output is "ya"/"tidak".
TRUE_WORDS = ("ya", "1", "true")
FALSE_WORDS = ("tidak", "0", "false")
YA, TIDAK = "ya", "tidak"
#: Upper bound of every amount column without a natural one (targets, realisations, costs in
#: rupiah): 10^15 is below 2**53, so every whole amount in range is held exactly by a double,
#: and far above any real figure (the whole Binjai budget is about 1.2 * 10^12 rupiah).
AMOUNT_MAX = 1e15
#: Upper bound of day counts (absences, late arrivals per band): the days of one year.
DAYS_MAX = 366
#: Late-arrival bands TL1..TL4 (Permentan 68/2012 template, regulation.md §4.3).
LATE_BANDS = ("tl1", "tl2", "tl3", "tl4")
_LATE_MINUTES = ("1-30 menit", "31-60 menit", "61-90 menit", "lebih dari 90 menit")

#: How the loader reads and checks a cell.
Kind = Literal["nip", "id", "text", "category", "integer", "number", "boolean"]
#: When a cell must be filled: always; may be empty; required when the slot's
#: ``iki{k}_indikator`` is filled ("slot"); may be empty but only used with an indicator
#: ("slot_optional"). Every ``iki{k}_*`` cell must be empty when the indicator is empty.
CellRule = Literal["required", "optional", "slot", "slot_optional"]

_TYPE_ID = {
    "nip": "teks (18 digit)",
    "id": "teks",
    "text": "teks",
    "category": "pilihan",
    "integer": "bilangan bulat",
    "number": "angka",
    "boolean": "ya/tidak",
}


@dataclass(frozen=True)
class Column:
    """One column of the employee file."""

    name: str
    kind: Kind
    group: str  # identitas, organisasi, iki, perilaku, kehadiran
    deskripsi: str  # Bahasa Indonesia, for the spreadsheet and docs
    column_required: bool = True  # the header must be present
    cell: CellRule = "required"
    allowed: tuple[str, ...] = ()  # category: canonical spellings (matched case-insensitively)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    default: str | None = None  # value used when the column is absent or the cell is empty
    example: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("integer", "number")

    @property
    def tipe(self) -> str:
        """Type in Bahasa Indonesia (docs, keterangan sheet)."""
        return _TYPE_ID[self.kind]

    @property
    def range_text(self) -> str:
        """Allowed range as ``0-100``, ``> 0``, ``>= 0``, or ``""``."""
        lo, hi = self.minimum, self.maximum
        if lo is None and hi is None:
            return ""
        if hi is None:
            return f"{'>' if self.exclusive_minimum else '>='} {_num(lo)}"
        if lo is None:
            return f"<= {_num(hi)}"
        if hi == AMOUNT_MAX or self.exclusive_minimum:
            return f"{'>' if self.exclusive_minimum else '>='} {_num(lo)}, <= {_num(hi)}"
        return f"{_num(lo)}-{_num(hi)}"

    @property
    def nilai(self) -> str:
        """Allowed values in Bahasa Indonesia (docs, keterangan sheet)."""
        if self.kind == "boolean":
            return "ya / tidak (juga 1/0, true/false)"
        if self.kind == "category":
            return " / ".join(self.allowed)
        if self.kind == "nip":
            return f"18 digit, atau {EXTERNAL_RATER}" if self.name == "nip_penilai" else "18 digit"
        if self.name == "id_penilai":
            return f"id_pegawai lain, atau {EXTERNAL_RATER}"
        if self.name == "id_pegawai":
            return "teks unik, bukan NIP"
        return self.range_text

    @property
    def wajib(self) -> str:
        """Required/optional in Bahasa Indonesia (docs, keterangan sheet)."""
        if not self.column_required:
            return "opsional"
        if self.group == "identitas":
            return "wajib (pasangan nip/nip_penilai atau id_pegawai/id_penilai)"
        return {
            "required": "wajib",
            "optional": "kolom wajib, sel boleh kosong",
            "slot": "wajib jika indikator diisi",
            "slot_optional": "kolom wajib, sel boleh kosong (= tidak dilaporkan)",
        }[self.cell]

    def expected(self) -> str:
        """What a valid cell looks like, in English (for :class:`~kinerja_sim.errors.Problem`)."""
        if self.kind == "nip":
            text = "an 18-digit NIP stored as text"
            if self.name == "nip_penilai":
                text += f", or {EXTERNAL_RATER}"
            return text
        if self.kind == "id":
            if self.name == "id_penilai":
                return f"the id_pegawai of another employee in the file, or {EXTERNAL_RATER}"
            return "a non-empty pseudonymous id, not a NIP"
        if self.kind == "text":
            return "a non-empty text"
        if self.kind == "category":
            return "one of: " + ", ".join(self.allowed)
        if self.kind == "boolean":
            return "ya or tidak (1/0 and true/false also accepted)"
        what = "a whole number" if self.kind == "integer" else "a number"
        rng = _range_en(self)
        return f"{what} {rng}" if rng else what


def _num(x: float | None) -> str:
    if x == AMOUNT_MAX:
        return "10^15"
    return "" if x is None else (f"{x:g}")


def _range_en(c: Column) -> str:
    lo, hi = c.minimum, c.maximum
    if lo is not None and hi is not None:
        if hi == AMOUNT_MAX or c.exclusive_minimum:
            return f"{'>' if c.exclusive_minimum else '>='} {_num(lo)} and <= {_num(hi)}"
        return f"from {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f"{'>' if c.exclusive_minimum else '>='} {_num(lo)}"
    if hi is not None:
        return f"<= {_num(hi)}"
    return ""


# -- column groups ---------------------------------------------------------------------------

IdentityMode = Literal["nip", "id"]
#: Identity columns by mode: (employee column, rater column).
IDENTITY = {"nip": ("nip", "nip_penilai"), "id": ("id_pegawai", "id_penilai")}
NAME_COLUMN = "nama"


def identity_columns(mode: IdentityMode = "nip") -> tuple[Column, ...]:
    if mode == "nip":
        cols = (
            Column("nip", "nip", "identitas",
                   "Nomor Induk Pegawai (18 digit), disimpan sebagai teks. Diganti pseudonim saat "
                   "dimuat; NIP tidak pernah disimpan.", example="199001012015031001"),
            Column("nip_penilai", "nip", "identitas",
                   "NIP pejabat penilai kinerja: NIP pegawai lain dalam berkas ini, atau "
                   f"{EXTERNAL_RATER} untuk kepala OPD.", example="198505052010011002"),
        )
    else:
        cols = (
            Column("id_pegawai", "id", "identitas",
                   "ID pseudonim pegawai (misalnya hasil ekspor); dipakai sebagai pengganti nip.",
                   example="P-3f2a9c1b7d40"),
            Column("id_penilai", "id", "identitas",
                   f"ID pseudonim pejabat penilai: id_pegawai lain dalam berkas ini, atau "
                   f"{EXTERNAL_RATER} untuk kepala OPD.", example="P-8b1e05d2c6aa"),
        )
    return cols + (
        Column(NAME_COLUMN, "text", "identitas",
               "Nama pegawai. Boleh ada, tetapi dibuang saat dimuat dan tidak pernah disimpan.",
               column_required=False, cell="optional", example="(dibuang)"),
    )


def organisation_columns(cat: Catalogue | None = None) -> tuple[Column, ...]:
    cat = cat or default_catalogue()
    rumpun = tuple(cat.assignment.by_rumpun)
    return (
        Column("opd", "text", "organisasi", "Nama Organisasi Perangkat Daerah (OPD).",
               example="Dinas Kesehatan"),
        Column("unit_kerja", "text", "organisasi",
               "Nama unit kerja di dalam OPD (bidang, seksi, puskesmas, sekolah, ...).",
               example="Puskesmas Binjai Kota"),
        Column("jenis_jabatan", "category", "organisasi", "Jenis jabatan.",
               allowed=JENIS_JABATAN, example="Fungsional"),
        Column("rumpun", "category", "organisasi",
               "Rumpun jabatan; menentukan indikator yang lazim (katalog indikator).",
               allowed=rumpun, example="kesehatan"),
        Column("status", "category", "organisasi", "Status kepegawaian.", allowed=STATUS,
               example="PNS"),
        Column("golongan", "category", "organisasi",
               "Golongan ruang (PPPK: golongan yang setara PNS).", allowed=GOLONGAN,
               example="III"),
        Column("jenis_kelamin", "category", "organisasi", "L = laki-laki, P = perempuan.",
               allowed=JENIS_KELAMIN, example="P"),
        Column("usia", "integer", "organisasi", "Usia dalam tahun.", minimum=18, maximum=65,
               example="34"),
        Column("masa_kerja", "integer", "organisasi",
               "Masa kerja dalam tahun; harus lebih kecil dari usia - 14.", minimum=0,
               maximum=45, example="8"),
        Column("kelas_jabatan", "integer", "organisasi", "Kelas jabatan (dasar TPP).",
               minimum=1, maximum=17, example="8"),
        Column("kepala_opd", "boolean", "organisasi",
               "ya jika pegawai adalah kepala OPD (paling banyak satu per OPD).",
               example="tidak"),
    )


#: Fields of one IKI slot, in file order: (suffix, kind, column_required, cell rule).
SLOT_FIELDS = ("indikator", "utama", "target", "realisasi", "kualitas", "waktu_target",
               "waktu_realisasi", "biaya_target", "biaya_realisasi")
#: Slot fields whose column must exist for every slot 1..K.
SLOT_REQUIRED_FIELDS = ("indikator", "utama", "target", "realisasi")
_SLOT_RE = re.compile(r"^iki(\d+)_(.+)$")


def slot_columns(k: int | str, cat: Catalogue | None = None) -> tuple[Column, ...]:
    """Columns of IKI slot ``k`` (``k="{k}"`` gives the generic rows for the docs)."""
    cat = cat or default_catalogue()
    p = f"iki{k}_"
    return (
        Column(p + "indikator", "category", "iki",
               f"Nama indikator kinerja individu (IKI) ke-{k} dari katalog; kosong = slot tidak "
               "dipakai.", cell="optional", allowed=cat.names, example="vaksinasi"),
        Column(p + "utama", "boolean", "iki",
               "ya = RHK utama, tidak = RHK tambahan.", cell="slot", example="ya"),
        Column(p + "target", "number", "iki", "Target IKI (satuan sesuai indikator).",
               cell="slot", minimum=0, maximum=AMOUNT_MAX, exclusive_minimum=True, example="450"),
        Column(p + "realisasi", "number", "iki",
               "Realisasi IKI. Kosong = tidak dilaporkan: dihitung sebagai data hilang oleh "
               "skema penilaian, bukan dibuang.", cell="slot_optional", minimum=0,
               maximum=AMOUNT_MAX, example="432"),
        Column(p + "kualitas", "number", "iki",
               "Penilaian kualitas hasil oleh atasan, 0-100 (aspek kualitas PP 46/2011).",
               column_required=False, cell="slot_optional", minimum=0, maximum=100,
               example="85"),
        Column(p + "waktu_target", "number", "iki",
               f"Target waktu penyelesaian dalam bulan (periode = {_num(cat.period_months)} "
               "bulan).", column_required=False, cell="slot_optional", minimum=0,
               maximum=120, exclusive_minimum=True, example=_num(cat.period_months)),
        Column(p + "waktu_realisasi", "number", "iki", "Realisasi waktu penyelesaian (bulan).",
               column_required=False, cell="slot_optional", minimum=0, maximum=120,
               exclusive_minimum=True, example=_num(cat.period_months)),
        Column(p + "biaya_target", "number", "iki",
               "Target biaya (rupiah); kosong = IKI tanpa aspek biaya.",
               column_required=False, cell="slot_optional", minimum=0, maximum=AMOUNT_MAX,
               example=""),
        Column(p + "biaya_realisasi", "number", "iki", "Realisasi biaya (rupiah).",
               column_required=False, cell="slot_optional", minimum=0, maximum=AMOUNT_MAX,
               example=""),
    )


def perilaku_column(value: str) -> str:
    return f"perilaku_{value}"


def behaviour_columns() -> tuple[Column, ...]:
    return tuple(
        Column(perilaku_column(v), "number", "perilaku",
               f"Penilaian atasan atas nilai BerAKHLAK '{v.replace('_', ' ')}', 0-100.",
               minimum=0, maximum=100, example="80")
        for v in BERAKHLAK
    )


def late_column(band: str) -> str:
    return f"terlambat_{band}"


def attendance_columns() -> tuple[Column, ...]:
    late = tuple(
        Column(late_column(b), "integer", "kehadiran",
               f"Jumlah keterlambatan masuk kerja kategori {b.upper()} ({m}) dalam periode.",
               minimum=0, maximum=DAYS_MAX, example="0")
        for b, m in zip(LATE_BANDS, _LATE_MINUTES, strict=True)
    )
    return (
        Column("hari_tidak_hadir", "integer", "kehadiran",
               "Jumlah hari tidak masuk kerja tanpa keterangan dalam periode.", minimum=0,
               maximum=DAYS_MAX, example="1"),
        *late,
        Column("inovasi", "boolean", "kehadiran",
               "ya jika pegawai memenuhi syarat inovasi untuk predikat Sangat Baik (PP 30/2019). "
               "Kolom opsional; kosong atau tidak ada = tidak.", column_required=False,
               cell="optional", default=TIDAK, example="tidak"),
    )


def columns(cat: Catalogue | None = None, *, slots: int = MAX_SLOTS,
            identity: IdentityMode = "nip") -> tuple[Column, ...]:
    """Every column of a file with ``slots`` IKI slots, in file order."""
    cat = cat or default_catalogue()
    out = identity_columns(identity) + organisation_columns(cat)
    for k in range(1, slots + 1):
        out += slot_columns(k, cat)
    return out + behaviour_columns() + attendance_columns()


def parse_slot(name: str) -> tuple[int, str] | None:
    """``"iki3_target"`` -> ``(3, "target")``; None if not an ``iki{k}_`` header."""
    m = _SLOT_RE.match(name)
    return (int(m.group(1)), m.group(2)) if m else None


def looks_like_schema_column(name: str) -> bool:
    """Headers that look like a schema column: an unknown one of these is most likely a typo."""
    return parse_slot(name) is not None or name.startswith(("perilaku_", "terlambat_"))


def markdown_table(cat: Catalogue | None = None) -> str:
    """The schema as a Markdown table (generic ``iki{k}_`` rows), as printed in docs/data.md."""
    cat = cat or default_catalogue()
    rows = [
        "| kolom | tipe | nilai yang diizinkan | wajib | keterangan |",
        "|---|---|---|---|---|",
    ]
    cols = (identity_columns("nip")[:2] + identity_columns("id")
            + organisation_columns(cat) + slot_columns("{k}", cat) + behaviour_columns()
            + attendance_columns())
    for c in cols:
        nilai = c.nilai
        if c.name.endswith("_indikator"):
            nilai = "nama indikator dari katalog (lihat di bawah)"
        rows.append(f"| `{c.name}` | {c.tipe} | {_md(nilai)} | {c.wajib} | {_md(c.deskripsi)} |")
    return "\n".join(rows)


def _md(text: str) -> str:
    return text.replace("|", "\\|")
