"""Meeting the data: fits, validation, the posterior, forecasts and backtests, and their settings files.

    spec.py               what a calibration fits (`defender.toml`, `recovery.toml` here)
    replay.py             the period replayed: the scenario set to fly the observed nights
    shares.py             monthly neutralised shares: counted in runs, read from the reports
    loss.py               the loss of a parameter vector (common random numbers)
    point_fit.py          the point fit (differential evolution) and what the data pins down
    scenario_file.py      a fitted scenario as TOML
    validation.py         observed against simulated shares, with bands
    skill.py              the model's errors beside naive guesses
    patterns.py           the drone share by night size, ballistic kills by month
    posterior.py          the ABC-SMC posterior (pyabc): the fit, resumable
    abc_model.py          pyabc's simulator and distance
    sampler.py            the seeded sampler: the same particles on any executor
    particles.py          the posterior read back, and what the data pins down
    posterior_outputs.py  what a posterior fit writes: ensemble, scenario, tables, figures
    recovery.py           simulation-based calibration of the posterior
    forecast.py           projections from the last report under policies
    attacker_rates.py     the forecast attacker at the recent reports' rates
    policy_overlays.py    policies: TOML overlays on the forecast's scenario
    forecast_result.py    a forecast's fans, horizon table and figure
    backtest.py           forecasts from past origins, scored against what happened
    forecast_scores.py    the scores: what would be observed, its band, CRPS, skill

`defender.toml` and `recovery.toml` here say what is fitted and how.
"""
