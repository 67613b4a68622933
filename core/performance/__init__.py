"""Targets and results: the metric catalogue, target splits, actuals, progress and the Excel templates."""
