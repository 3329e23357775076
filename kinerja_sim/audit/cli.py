"""``kinerja-sim audit`` and ``kinerja-sim calibrate`` (registered via cli.COMMAND_MODULES)."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from kinerja_sim.labels import t


def register(sub) -> list[argparse.ArgumentParser]:
    a = sub.add_parser("audit", help="audit mutu data dan penilai / data-quality and rater audit")
    a.add_argument("data", help="FILE.csv atau FILE.xlsx (skema: docs/data.md)")
    a.add_argument("--out", required=True, help="folder untuk audit.html dan audit.xlsx")
    a.add_argument("--scenario", default="status_quo",
                   help="skenario untuk penilaian dan kurva (default status_quo)")
    a.add_argument("--key", default=None,
                   help="FILE.xlsx/.csv: kunci pseudonim -> id penilai (disimpan terpisah)")
    a.add_argument("--salt", default=None, help="garam pseudonim (atau env KINERJA_SIM_SALT)")
    a.add_argument("--sheet", default="pegawai")
    a.set_defaults(func=cmd_audit)

    c = sub.add_parser("calibrate",
                       help="kalibrasi parameter dari berkas nyata / calibrate to a real file")
    c.add_argument("data", help="FILE.csv atau FILE.xlsx")
    c.add_argument("--out", required=True, help="SKENARIO.yaml yang ditulis")
    c.add_argument("--extends", default="status_quo", help="skenario dasar (default status_quo)")
    c.add_argument("--profile-out", default=None, help="PROFIL.yaml: komposisi tenaga kerja")
    c.add_argument("--seed", type=int, default=None, help="seed simulasi (default: audit.yaml)")
    c.add_argument("--salt", default=None)
    c.add_argument("--sheet", default="pegawai")
    c.set_defaults(func=cmd_calibrate)
    return [a, c]


def file_hash(path: str | Path) -> str:
    """First 16 hex digits of the file's SHA-256 (names the file without naming anyone)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def file_rater_ids(path, sheet: str, wf) -> dict[str, str]:
    """Workforce rater id -> the rater id as written in the file (``nip_penilai`` or
    ``id_penilai``): what BKPSDM needs to find the person behind a report pseudonym. Read
    again from the raw file only for ``--key``, since the loader keeps no NIP."""
    from kinerja_sim.workforce.reader import normalise_header, read_table

    raw = read_table(path, sheet=sheet)
    header = [normalise_header(h) for h in raw.header]
    col = next((header.index(c) for c in ("nip_penilai", "id_penilai") if c in header), None)
    ids = wf.employees["rater_id"].astype(str).to_numpy()
    if col is None or len(raw.data) != len(ids):
        return {r: r for r in ids}
    own = raw.data.iloc[:, col].astype(str).to_numpy()
    return dict(zip(ids, own, strict=True))


def cmd_audit(args) -> int:
    from kinerja_sim.audit.core import audit
    from kinerja_sim.audit.report import write_audit
    from kinerja_sim.provenance import provenance
    from kinerja_sim.report.files import write_sheets
    from kinerja_sim.scenario import find_scenario, load_scenario
    from kinerja_sim.workforce import load_workforce

    wf = load_workforce(args.data, salt=args.salt, sheet=args.sheet)
    sc = load_scenario(find_scenario(args.scenario))
    res = audit(wf, sc)
    prov = provenance(sc, sc.spec.seed, wf, file_hash=file_hash(args.data))
    prov["workforce_source"] = "file " + prov["file_hash"]  # the path may name a person/office
    html_path, xlsx_path = write_audit(res, args.out, args.lang, prov)
    print(t("audit.written", args.lang, html=html_path, xlsx=xlsx_path, n=len(res.flags)))
    if args.key:
        key = res.rater_key.assign(
            rater_id=res.rater_key["rater_id"].map(file_rater_ids(args.data, args.sheet, wf)))
        write_sheets(args.key, {"kunci": key})
        print(t("audit.key_written", args.lang, path=args.key))
    return 0


def cmd_calibrate(args) -> int:
    from kinerja_sim.audit.calibrate import calibrate, print_calibration, scenario_yaml
    from kinerja_sim.report.files import write_text
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import load_workforce

    wf = load_workforce(args.data, salt=args.salt, sheet=args.sheet)
    h = file_hash(args.data)
    cal = calibrate(wf, base=args.extends, seed=args.seed, file_id=h)
    text = scenario_yaml(cal, Path(args.out))
    write_text(args.out, text)
    load_scenario(args.out)  # the written file must load; an error here is a bug, loudly
    print_calibration(cal, args.lang)
    print(t("calibrate.written", args.lang, path=args.out, base=args.extends))
    if args.profile_out:
        from kinerja_sim.audit.profile_out import profile_yaml

        write_text(args.profile_out, profile_yaml(wf, h))
        print(t("calibrate.profile_written", args.lang, path=args.profile_out))
    return 0
