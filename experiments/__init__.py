"""Running the campaign model for people: the command line, run outputs and figures.

Sweeps, storage, analysis and reports build here on `model` and `agents`;
nothing in `model` or `agents` imports from this package.
"""
