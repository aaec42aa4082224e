"""The app: an interactive view of the campaign on Mesa's SolaraViz (`attrition view`).

Apart from the model and the experiments, as in Mesa's examples: the view
imports the model, nothing imports the view.
"""
