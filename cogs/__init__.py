"""Thin Discord adapters, one module per feature, each with its own ``setup(bot)``.

A cog turns an interaction into a call on the core (``bot.*``) and the result into an embed, a view or a
modal. No SQL and no grading logic here. Shared conventions live in :mod:`cogs.common`.
"""
