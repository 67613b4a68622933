"""Benchmarks of the demo seed, the Overview queries and the grid maps at 2,000 grids:
``python -m benchmarks [--only seed|grids]``.

See ``benchmarks/__main__.py`` for what is measured and how.
"""
