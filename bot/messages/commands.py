"""Descriptions of slash commands and their options, as Discord shows them in the command picker.

Command names never change (they are the contract); only descriptions are translated, by the runner's
``CatalogueTranslator``. Each feature adds its commands' descriptions here, keyed ``commands.<command>``
and ``commands.<command>.<option>``.
"""

MESSAGES: dict[str, dict[str, str]] = {}
