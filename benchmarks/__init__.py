"""Runnable measurements. Each module exposes ``run(...) -> list[dict]``; ``benchmarks.run``
formats them as JSON and can record them in docs/BENCHMARKS.md."""
