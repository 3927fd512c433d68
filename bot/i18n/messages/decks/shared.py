"""Phrases the other deck messages are made of: what a message is about, and where in the file."""

MESSAGES: dict[str, dict[str, str]] = {
    # Where a message points, when several are listed.
    "decks.where.line": {"en": "line {line}:", "fr": "ligne {line} :"},
    "decks.where.more_warnings": {
        "en": "… and {count} more warning(s) not shown",
        "fr": "… et {count} autre(s) avertissement(s) non montré(s)",
    },
    "decks.where.more_errors": {
        "en": "… and {count} more error(s) not shown",
        "fr": "… et {count} autre(s) erreur(s) non montrée(s)",
    },
    # The parts of a YAML deck that messages name ({what}).
    "decks.what.deck": {"en": "the deck", "fr": "le paquet"},
    "decks.what.title": {"en": "the title", "fr": "le titre"},
    "decks.what.language": {"en": "the language", "fr": "la langue"},
    "decks.what.card": {"en": "card {card}", "fr": "la carte {card}"},
    "decks.what.question": {"en": "the question of card {card}", "fr": "la question de la carte {card}"},
    "decks.what.item": {"en": "item {item} of card {card}", "fr": "l'élément {item} de la carte {card}"},
    "decks.what.answer": {
        "en": "the answer of item {item} of card {card}",
        "fr": "la réponse de l'élément {item} de la carte {card}",
    },
    "decks.what.detail": {
        "en": "the detail of item {item} of card {card}",
        "fr": "le détail de l'élément {item} de la carte {card}",
    },
    "decks.what.alias": {
        "en": "the alias of item {item} of card {card}",
        "fr": "l'alias de l'élément {item} de la carte {card}",
    },
    "decks.what.an_alias": {
        "en": "an alias of item {item} of card {card}",
        "fr": "un alias de l'élément {item} de la carte {card}",
    },
}
