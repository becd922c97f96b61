"""Certiprev's benchmarks (`make bench`, i.e. `python -m bench` from the repository root): measures only, never
assertions. Not part of the installed product."""
