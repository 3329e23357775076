"""``kinerja-sim sweep`` (and ``robustness``): the command-line face of the sweep machinery."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinerja_sim.labels import t


def _dask_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dask", action="store_true",
                   help="jalankan titik di dask.distributed (LocalCluster 2 pekerja)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="klaster Dask yang sudah berjalan (menyiratkan --dask)")
    p.add_argument("--workers", type=int, default=2, help="pekerja LocalCluster (default 2)")
    p.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")


def robustness_options(p: argparse.ArgumentParser) -> None:
    """The analysis options shared by ``kinerja-sim robustness`` and ``run --robustness``."""
    from kinerja_sim.cli import positive_int

    p.add_argument("--trajectories", type=positive_int, default=4,
                   help="lintasan Morris (default 4)")
    p.add_argument("--sobol-top", type=int, default=3,
                   help="parameter paling berpengaruh untuk indeks Sobol (0 = tanpa Sobol)")
    p.add_argument("--sobol-n", type=positive_int, default=8,
                   help="sampel dasar Sobol (pangkat 2)")
    p.add_argument("--param", action="append", default=None, metavar="PATH",
                   help="hanya parameter ini (berulang; default: semua di data/ranges.yaml)")


def register(subparsers) -> list[argparse.ArgumentParser]:
    s = subparsers.add_parser("sweep", help="sapuan parameter / parameter sweep (grid, acak)")
    s.add_argument("spec", help="FILE.yaml spesifikasi sapuan (contoh: scenarios/sweeps/)")
    s.add_argument("--out", default=None, help="folder keluaran (default: sapuan_<nama>)")
    _dask_options(s)
    s.set_defaults(func=cmd_sweep)

    r = subparsers.add_parser("robustness", help="ketahanan rekomendasi / global sensitivity "
                                                 "of the headline deltas (Morris, Sobol)")
    r.add_argument("scenarios", nargs="+", help="skenario reformasi (file YAML atau nama)")
    r.add_argument("--baseline", required=True, help="skenario pembanding, mis. status_quo")
    r.add_argument("--out", default=None, help="folder keluaran (default: ketahanan)")
    r.add_argument("--periods", type=int, default=8)
    r.add_argument("--replications", type=int, default=5)
    r.add_argument("--seed", type=int, default=None)
    r.add_argument("--profile", default=None)
    r.add_argument("--n", type=int, default=None, help="skala ulang tenaga kerja")
    robustness_options(r)
    _dask_options(r)
    r.set_defaults(func=cmd_robustness)
    return [s, r]


def cmd_sweep(args) -> int:
    from kinerja_sim.batch.sweep import run_sweep, write_sweep

    lang = getattr(args, "lang", "id")
    dask = bool(args.dask or args.scheduler)
    result = run_sweep(args.spec, dask=dask, scheduler=args.scheduler, n_workers=args.workers,
                       progress=not args.no_progress, lang=lang)
    out = Path(args.out or f"sapuan_{result.spec.name}")
    paths = write_sweep(result, out, lang)
    print(t("sweep.done", lang, n=len(result.table), pareto=int(result.table["pareto"].sum()),
            mode=t("sweep.mode_dask" if dask else "sweep.mode_serial", lang),
            path=paths["xlsx"].parent))
    return 0


def cmd_robustness(args) -> int:
    from kinerja_sim.batch.robustness import run_robustness, write_robustness

    lang = getattr(args, "lang", "id")
    result = run_robustness(
        args.scenarios, args.baseline, parameters=args.param, periods=args.periods,
        replications=args.replications, seed=args.seed, profile=args.profile, n=args.n,
        trajectories=args.trajectories, sobol_top=args.sobol_top, sobol_n=args.sobol_n,
        dask=bool(args.dask or args.scheduler), scheduler=args.scheduler,
        n_workers=args.workers, progress=not args.no_progress, lang=lang)
    paths = write_robustness(result, Path(args.out or "ketahanan"), lang)
    print(t("robustness.header", lang, n=len(result.worlds), k=len(result.parameters)))
    for row in result.summary.itertuples():
        print(f"  [{row.scenario}] {row.verdict}")
    print(t("robustness.written", lang, path=paths["xlsx"].parent))
    return 0
