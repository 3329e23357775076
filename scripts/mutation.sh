#!/usr/bin/env bash
# Mutation testing (mutmut 3) of kinerja_sim/schemes/, kinerja_sim/workforce/ and
# kinerja_sim/scenario.py. Configuration: [tool.mutmut] in pyproject.toml (which files, which
# tests; mutmut runs only the tests that reach the mutated function). Not in CI: it takes hours
# on 2 cores. Results stay in mutants/ (git-ignored), so an interrupted run resumes where it
# stopped. See docs/testing.md.
#
#   scripts/mutation.sh                                  # everything configured
#   scripts/mutation.sh 'kinerja_sim.schemes.tpp.*'      # one module (mutant-name glob)
#   MUTMUT_CHILDREN=1 scripts/mutation.sh                # fewer parallel workers
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV_BIN:-.venv/bin}
nice -n 10 "$BIN/mutmut" run --max-children "${MUTMUT_CHILDREN:-2}" "$@" || true
"$BIN/python" tools/mutation_score.py
