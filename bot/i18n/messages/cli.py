"""Messages of the terminal practice session (``tutorbot practice`` / ``make run`` without a token).

The session prints a question, reads a multi-line answer, then shows what was found, what was missed with its
details, the score, the anti-spray penalty and the parts that matched nothing. Counted forms end in ``.one`` /
``.other`` and go through ``bot.i18n.tn``: ``tn("cli.penalty", cost, lang, extra=extra, cost=cost)``.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "cli.session_start": {
        "en": "Practice on {deck}: {count} cards. Type your answer as a list, one item per line.",
        "fr": "Pratique sur {deck} : {count} cartes. Tapez votre réponse en liste, un élément par ligne.",
    },
    "cli.session_start.one": {
        "en": "Practice on {deck}: {count} card. Type your answer as a list, one item per line.",
        "fr": "Pratique sur {deck} : {count} carte. Tapez votre réponse en liste, un élément par ligne.",
    },
    "cli.session_start.other": {
        "en": "Practice on {deck}: {count} cards. Type your answer as a list, one item per line.",
        "fr": "Pratique sur {deck} : {count} cartes. Tapez votre réponse en liste, un élément par ligne.",
    },
    "cli.question_header": {
        "en": "Question {n}/{total} — {deck}",
        "fr": "Question {n}/{total} — {deck}",
    },
    "cli.expected_count": {
        "en": "({count} items expected)",
        "fr": "({count} éléments attendus)",
    },
    "cli.expected_count.one": {"en": "({count} item expected)", "fr": "({count} élément attendu)"},
    "cli.expected_count.other": {"en": "({count} items expected)", "fr": "({count} éléments attendus)"},
    "cli.prompt": {
        "en": "Your answer (an empty line ends it; Ctrl-D or Ctrl-C stops):",
        "fr": "Votre réponse (une ligne vide la termine ; Ctrl-D ou Ctrl-C arrête) :",
    },
    "cli.found_header": {
        "en": "Found ({count}):",
        "fr": "Trouvés ({count}) :",
    },
    "cli.found_none": {
        "en": "Nothing found this time.",
        "fr": "Rien de trouvé cette fois.",
    },
    "cli.missed_header": {
        "en": "Missed ({count}), with their details:",
        "fr": "Manqués ({count}), avec leurs détails :",
    },
    # One item line under the found / missed headers; the detail form is used when the card has one.
    "cli.found_item": {"en": "  ✓ {item}", "fr": "  ✓ {item}"},
    "cli.by_meaning": {"en": "(by meaning)", "fr": "(par le sens)"},
    "cli.missed_item": {"en": "  ✗ {item}", "fr": "  ✗ {item}"},
    "cli.missed_item_detail": {"en": "  ✗ {item} — {detail}", "fr": "  ✗ {item} — {detail}"},
    "cli.score": {
        "en": "Score: {found}/{total} ({percent})",
        "fr": "Résultat : {found}/{total} ({percent})",
    },
    "cli.score_penalised": {"en": "Score: {score}", "fr": "Résultat : {score}"},
    "cli.penalty.one": {
        "en": "{extra} extra wrong parts cost {cost} item.",
        "fr": "{extra} parties fausses en trop coûtent {cost} élément.",
    },
    "cli.penalty.other": {
        "en": "{extra} extra wrong parts cost {cost} items.",
        "fr": "{extra} parties fausses en trop coûtent {cost} éléments.",
    },
    "cli.unmatched_header": {
        "en": "These parts matched nothing:",
        "fr": "Ces parties ne correspondent à rien :",
    },
    "cli.unmatched_item": {"en": "  · {part}", "fr": "  · {part}"},
    "cli.skipped": {
        "en": "No answer given, skipped.",
        "fr": "Aucune réponse, question passée.",
    },
    "cli.summary.one": {
        "en": "Session over: {answered} question, average {percent}, best {best}.",
        "fr": "Séance terminée : {answered} question, moyenne {percent}, meilleur résultat {best}.",
    },
    "cli.summary.other": {
        "en": "Session over: {answered} questions, average {percent}, best {best}.",
        "fr": "Séance terminée : {answered} questions, moyenne {percent}, meilleur résultat {best}.",
    },
    "cli.no_token": {
        "en": "DISCORD_TOKEN is not set: starting a practice session in the terminal instead.",
        "fr": "DISCORD_TOKEN n'est pas défini : une séance de pratique commence dans le terminal.",
    },
    "cli.weakest_header": {"en": "To review first:", "fr": "À revoir en premier :"},
    "cli.weakest_item": {"en": "  • {question} — {percent}", "fr": "  • {question} — {percent}"},
    "cli.next_review": {
        "en": "Next review of this deck: {when}.",
        "fr": "Prochaine révision de ce paquet : {when}.",
    },
    "cli.review_due_now": {
        "en": "Cards of this deck are due for review now: start another session to review them.",
        "fr": "Des cartes de ce paquet sont à revoir dès maintenant : lancez une autre séance pour les "
        "revoir.",
    },
    "cli.summary_none": {
        "en": "Session over: no question answered.",
        "fr": "Séance terminée : aucune question répondue.",
    },
    "cli.error.empty_deck": {
        "en": "The deck {deck} has no cards to practise. Choose another deck or import cards into it.",
        "fr": "Le paquet {deck} n'a aucune carte à pratiquer. "
        "Choisissez un autre paquet ou importez-y des cartes.",
    },
    "cli.error.deck_load": {
        "en": "Could not load the deck: {error}",
        "fr": "Impossible de charger le paquet : {error}",
    },
}
