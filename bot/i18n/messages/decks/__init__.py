"""Messages of the deck importers: why a file is not a deck (``DeckError``), what to review (``DeckWarning``).

A key's ``.hint`` entry, when there is one, says how to fix the problem; ``describe(lang)`` shows it in
parentheses after the message. They are fragments, lower-case, shown after ``file:line:`` on the command line
and inside a sentence of ``bot/i18n/messages/teacher.py`` on Discord.

Values named ``{question}``, ``{answer}``, ``{text}``, ``{note}``, ``{head}``, ``{key}``, ``{suffix}``,
``{schema}``, ``{language}``, ``{allowed}``, ``{problem}`` and ``{reason}`` are user text or a library's
explanation: shown as they are, never translated (English writes them with ``!r``, as Python quotes them).
``{what}`` is one of the ``decks.what.*`` phrases, translated with the message.

The messages are split by importer, one module each; they are merged here, and a key defined twice is an
error at import, as in the whole catalogue.
"""

from . import csv, notes, shared, source, yaml

MESSAGES: dict[str, dict[str, str]] = {}
for _part in (shared, source, yaml, notes, csv):
    _twice = MESSAGES.keys() & _part.MESSAGES.keys()
    if _twice:
        raise ValueError(f"deck message keys defined twice: {sorted(_twice)}")
    MESSAGES.update(_part.MESSAGES)
