"""The sweep engine: a spec, its design, the plan of runs, the workers that make them, executors and the store.

    spec.py       what a sweep spec may say, and its errors
    design.py     design points and seeds: the plan (`SweepPlan`)
    sampling.py   the samplers, one class per design kind, and their unit-cube designs
    paths.py      paths into scenario data
    ensemble.py   posterior ensembles: draw r of replication r
    worker.py     one run: scenario in, summary and daily table out
    executors.py  serial, local processes or Dask
    storage.py    the results folder
    layout.py     what the runs table holds, as the manifest states it (imports no model)
    runner.py     `run_sweep` and `open_results`, which tie them together

Nothing here imports analysis or reporting.
"""
