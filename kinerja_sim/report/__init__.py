"""Report outputs (a face above the engine): files, comparison tables and figures.

:mod:`kinerja_sim.report.files` is the one writer layer (atomic, formula-inert); nothing in the
project writes xlsx/csv/html/parquet around it.
"""

from kinerja_sim.report.comparison import (
    DEFAULT_TRAJECTORIES,
    headline_text,
    labelled_metrics,
    plot_trajectories,
    predikat_distribution,
    write_comparison,
)
from kinerja_sim.report.files import (
    atomic_path,
    neutralise,
    save_figure,
    write_bytes,
    write_csv,
    write_parquet,
    write_sheets,
    write_text,
)

__all__ = ["DEFAULT_TRAJECTORIES", "atomic_path", "headline_text", "labelled_metrics",
           "neutralise", "plot_trajectories", "predikat_distribution", "save_figure",
           "write_bytes", "write_comparison", "write_csv", "write_parquet", "write_sheets",
           "write_text"]
