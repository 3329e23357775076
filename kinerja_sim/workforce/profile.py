"""Schema of a synthetic workforce profile (``kinerja_sim/data/profiles/*.yaml``)."""

from __future__ import annotations

from typing import Literal

from kinerja_sim.params import load_yaml
from kinerja_sim.strict import StrictModel, validate_model

JabatanName = Literal["JPT", "Administrator", "Pengawas", "Fungsional", "Pelaksana"]


class Label(StrictModel):
    id: str
    en: str


class UnitType(StrictModel):
    head: JabatanName
    pengawas: int
    fungsional_share: float


class UnitSpec(StrictModel):
    count: int
    size: int


class OpdSpec(StrictModel):
    """One OPD, or with ``copies`` > 1 a template repeated (national profile)."""

    name: str
    rumpun: str
    units: dict[str, int | UnitSpec]
    office_size: int = 0
    copies: int = 1
    #: rumpun of the office units (sekretariat, bidang); default: the OPD's own rumpun
    office_rumpun: str | None = None


class AgeSpec(StrictModel):
    mean: float
    sd: float


class Ages(StrictModel):
    PNS: AgeSpec
    PPPK: AgeSpec
    min: int
    max: int
    senior_offset: float  # extra years for JPT and Administrator


class Tenure(StrictModel):
    career_start_age: int
    pns_min_share: float  # PNS tenure ~ U(pns_min_share, 1) x (age - career_start_age)
    pppk_max: int  # PPPK tenure ~ U{0..pppk_max} (the first PPPK were appointed in 2019)


class Demographics(StrictModel):
    pppk_share: dict[str, float]
    female_share: dict[str, float]
    age: Ages
    tenure: Tenure
    golongan: dict[JabatanName, dict[Literal["I", "II", "III", "IV"], float]]
    kelas_jabatan: dict[JabatanName, int | tuple[int, int]]


class Latent(StrictModel):
    effort_psm_correlation: float
    context_unit_share: float


class Profile(StrictModel):
    name: str
    label: Label
    unit_types: dict[str, UnitType]
    opds: list[OpdSpec]
    demographics: Demographics
    latent: Latent


def load_profile(name: str) -> Profile:
    """Packaged profile by name (``binjai`` or ``nasional``)."""
    try:
        data = load_yaml(f"profiles/{name}.yaml")
    except FileNotFoundError:
        from kinerja_sim.errors import InputError, Problem

        raise InputError([Problem("<profile>", "profile", f"unknown profile {name!r}",
                                  expected="one of: binjai, nasional")]) from None
    return validate_model(Profile, data, file=f"profiles/{name}.yaml")
