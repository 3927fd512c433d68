"""Shared core rules: scheduling, scoring and spaced repetition, pure functions of the clock and the state."""
