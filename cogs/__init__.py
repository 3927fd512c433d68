"""Thin Discord adapters, one module per feature, each with its own ``setup(bot)``.

A cog turns an interaction into a call on the core (``bot.*``) and the result into an embed, a view or a
modal, reaching the core only through ``bot.services``, never the store and never another cog. No SQL and
no grading logic here. What they share lives in one kit, :mod:`cogs.kit`.
"""
