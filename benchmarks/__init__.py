"""Benchmarks of the demo seed and the Overview queries: ``python -m benchmarks``.

See ``benchmarks/__main__.py`` for what is measured and how.
"""
