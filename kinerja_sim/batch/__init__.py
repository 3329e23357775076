"""The analysts' face: the papermill batch runner and parameter sweeps (above the engine)."""
