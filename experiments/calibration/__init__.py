"""Meeting the data: fits, validation, the posterior, forecasts and backtests, and their settings files.

    fit.py        observed shares, the point fit, validation
    posterior.py  the ABC-SMC posterior (pyabc)
    recovery.py   simulation-based calibration of the posterior
    forecast.py   projections from the last report under policies
    backtest.py   forecasts scored against what happened

`defender.toml` and `recovery.toml` here say what is fitted and how.
"""
