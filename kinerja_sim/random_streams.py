"""Replication-stable random streams for arrays stacked along the employee axis.

The engine stacks replications along the employee axis (one vectorised step for all of them).
If every replication drew from one generator, replication 0 would depend on how many
replications run (a designer previewing 5 and a batch report running 20 would disagree on the
same replication). Here each replication ``r`` owns its own generators, spawned from
``(seed, r)``, and :class:`StackedGenerator` looks like a ``numpy.random.Generator`` to the
measurement code but hands each replication's block of rows to that replication's generator.

Why this gives identical numbers whatever the number of replications: a ``Generator`` fills an
array element by element in C order, so drawing a replication's ``n`` rows in several
consecutive pieces gives exactly the numbers of one ``(n, ...)`` draw. The facade keeps a row
cursor: a draw of ``m`` rows starts where the previous one ended (a full pass of ``R * rows``
brings it back to 0), which is how the engine draws — whole arrays, or row blocks in order
(:mod:`kinerja_sim._blocks`). With one replication the facade is the plain generator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

#: Independent random streams, so changing one part of a scenario leaves the others' draws alone
#: (common random numbers across scenarios compared on the same seed).
STREAMS = ("raters", "measurement", "behaviour")


def streams(seed: int, replication: int = 0) -> dict[str, np.random.Generator]:
    """The named generators of one replication, spawned from ``(seed, replication)``."""
    ss = np.random.SeedSequence([seed, replication])
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, ss.spawn(len(STREAMS)),
                                                               strict=True)}


class StackedGenerator:
    """A ``Generator``-like view of one generator per replication over stacked rows.

    ``rows`` is the number of rows one replication occupies in the stacked arrays this stream
    draws for (employees for measurement and behaviour, raters for rater traits).
    """

    def __init__(self, generators: Sequence[np.random.Generator], rows: int):
        if rows < 1 or not generators:
            raise ValueError("a stacked stream needs at least one generator and one row")
        self._gens = list(generators)
        self.rows = rows
        self.replications = len(self._gens)
        self._total = rows * self.replications
        self._pos = 0

    def _segments(self, m: int) -> Iterator[tuple[int, int, int]]:
        """(replication, start, stop) pieces of the next ``m`` stacked rows."""
        i = 0
        while i < m:
            r = self._pos // self.rows
            take = min(m - i, (r + 1) * self.rows - self._pos)
            yield r, i, i + take
            i += take
            self._pos = (self._pos + take) % self._total

    @staticmethod
    def _shape(size) -> tuple[int, ...]:
        return (size,) if np.ndim(size) == 0 else tuple(size)

    def standard_normal(self, size=None, out: np.ndarray | None = None) -> np.ndarray:
        out = np.empty(self._shape(size)) if out is None else out
        for r, a, b in self._segments(out.shape[0]):
            self._gens[r].standard_normal(out=out[a:b])
        return out

    def random(self, size=None) -> np.ndarray:
        out = np.empty(self._shape(size))
        for r, a, b in self._segments(out.shape[0]):
            self._gens[r].random(out=out[a:b])
        return out

    def poisson(self, lam, size=None) -> np.ndarray:
        lam = np.asarray(lam, dtype=np.float64)
        shape = lam.shape if size is None else self._shape(size)
        lam = np.broadcast_to(lam, shape)
        out = np.empty(shape, dtype=np.int64)
        for r, a, b in self._segments(shape[0]):
            out[a:b] = self._gens[r].poisson(lam[a:b])
        return out

    def integers(self, low: int, high: int, size) -> np.ndarray:
        """Integers over a *stacked index* of ``high`` entries (e.g. all replications'
        raters): each replication draws within its own block of ``high / R`` entries, so a
        peer rater always comes from the same replication."""
        if low != 0 or high % self.replications:
            raise ValueError("stacked integers draw over [0, R * k): low must be 0")
        per = high // self.replications
        out = np.empty(self._shape(size), dtype=np.int64)
        for r, a, b in self._segments(out.shape[0]):
            out[a:b] = self._gens[r].integers(0, per, b - a) + r * per
        return out


def replication_streams(seed: int, replications: int, rows: dict[str, int]
                        ) -> dict[str, StackedGenerator]:
    """One :class:`StackedGenerator` per named stream, replication ``r`` seeded by
    ``(seed, r)``; ``rows[name]`` is the rows one replication occupies in that stream."""
    per_rep = [streams(seed, r) for r in range(replications)]
    return {name: StackedGenerator([g[name] for g in per_rep], rows[name]) for name in STREAMS}
