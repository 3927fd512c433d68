"""The message catalogue, one module per feature.

Every module listed in ``MODULES`` defines ``MESSAGES = {"<module>.<name>": {"en": "...", "fr": "..."}}``;
``bot.i18n`` merges them and refuses duplicate keys at import. Add a feature's module here when you create it:
``tests/bot/test_i18n.py`` fails for a module file that is not listed, so no sentence is silently left out.
"""

# The order only matters for error messages: a duplicate key names the module that defined it first.
MODULES: tuple[str, ...] = (
    "common",
    "scheduling",
    "cli",
    "daily",
    "tutor",
    "practice",
    "quiz",
    "leaderboard",
    "teacher",
    "decks",
)
