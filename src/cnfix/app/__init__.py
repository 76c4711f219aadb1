"""Files and records through the engine: the runner, worker pools, JSON Lines, Dask."""
