"""The sampler's design on the unit cube: what a sweep runs and what SALib's analysers take back.

It reads only the spec's design settings and imports no model, so analysis can import it.
"""

import numpy as np


def unit_sample(spec) -> np.ndarray:
    """The sampler's design on the unit cube, (points, factors), for sampling designs (not full factorial).

    The same array SALib's analysers take back with the outcomes.
    """
    d = len(spec.factors)
    kind = spec.design.kind
    if kind == "latin_hypercube":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(spec.root_seed)).random(spec.design.samples)
    problem = {"num_vars": d, "names": [f.name for f in spec.factors], "bounds": [[0.0, 1.0]] * d}
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, spec.design.samples, calc_second_order=False, seed=spec.root_seed)
    if kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, spec.design.samples, num_levels=spec.design.levels, seed=spec.root_seed)
    raise ValueError(f"a {kind} design has no unit sample")
