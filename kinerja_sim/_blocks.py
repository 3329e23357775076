"""Row blocks for element-wise work on ``(n, K)`` arrays at national scale.

A vectorised formula over 4.76 million employees creates one full-size temporary per
operation, and much of the time goes into allocating and first-touching that memory. Applying
the same formula to blocks of rows keeps the temporaries small (cache-resident, reused by the
allocator), bounds the extra memory, and leaves every number unchanged:

* random numbers are drawn for all rows before the loop, in the order and shape of the
  one-block formulation; or
* when one draw is the last (or only) use of the generator in a step, it may be drawn block by
  block in row order inside the loop: a ``numpy.random.Generator`` fills an array element by
  element in C order, so consecutive blocks give exactly the numbers of one ``(n, ...)`` draw
  (checked for ``standard_normal``, ``random`` and ``poisson``).
"""

from __future__ import annotations

from collections.abc import Iterator

#: Rows per block: (2**15, 3) float64 temporaries are 768 KiB.
BLOCK_ROWS = 1 << 15


def row_blocks(n: int, rows: int = BLOCK_ROWS) -> Iterator[slice]:
    """Consecutive row slices covering ``range(n)``."""
    for start in range(0, n, rows):
        yield slice(start, min(start + rows, n))
