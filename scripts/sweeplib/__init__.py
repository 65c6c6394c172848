"""The parts of scripts/sweep.py: spec, run (one point, cache, progress), backends, table."""
