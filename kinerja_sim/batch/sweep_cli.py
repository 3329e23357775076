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


def register(subparsers) -> list[argparse.ArgumentParser]:
    s = subparsers.add_parser("sweep", help="sapuan parameter / parameter sweep (grid, acak)")
    s.add_argument("spec", help="FILE.yaml spesifikasi sapuan (contoh: scenarios/sweeps/)")
    s.add_argument("--out", default=None, help="folder keluaran (default: sapuan_<nama>)")
    _dask_options(s)
    s.set_defaults(func=cmd_sweep)
    return [s]


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
