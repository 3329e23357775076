"""The analysts' face: the papermill batch runner and parameter sweeps (above the engine).

- :mod:`.laporan`: one scenario against the baseline — what ``notebooks/laporan_skenario``
  calls, tables and files;
- :mod:`.runner`: ``kinerja-sim run`` — one executed report notebook per scenario, parallel,
  fault-tolerant, resumable; :mod:`.kernels` (warm kernels, start retry), :mod:`.forkserver`
  (kernels forked from a pre-imported template), :mod:`.cache` (the shared baseline);
- :mod:`.commands`: the ``run`` and ``demo`` commands.
"""
