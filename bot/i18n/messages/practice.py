"""Messages of the practice feature: ``/practice``, its private question, feedback and summary.

The feedback mirrors the terminal session's (``cli.*``): the items found with the words that earned them, the
items missed with their details, the parts that matched nothing, the anti-spray penalty and the score; then
the practice points and when spaced repetition brings the card back. Counted forms end in ``.one`` /
``.other`` and go through ``bot.i18n.tn``.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command descriptions (shown by Discord; the French ones through the runner's translator).
    "practice.cmd.practice": {
        "en": "Practise on your own with spaced repetition (private)",
        "fr": "S'exercer seul avec la répétition espacée (privé)",
    },
    "practice.cmd.practice.deck": {
        "en": "The deck to practise (default: the server's deck)",
        "fr": "Le paquet à pratiquer (par défaut : celui du serveur)",
    },
    "practice.cmd.practice.count": {
        "en": "How many questions (default 5)",
        "fr": "Combien de questions (5 par défaut)",
    },
    "practice.cmd.practice.mode": {
        "en": "Spaced repetition (default), or the cards you got wrong most recently",
        "fr": "Répétition espacée (par défaut), ou les cartes ratées le plus récemment",
    },
    "practice.mode.spaced": {"en": "Spaced repetition", "fr": "Répétition espacée"},
    "practice.mode.mistakes": {"en": "My mistakes", "fr": "Mes erreurs"},
    # The question.
    "practice.started_mistakes": {
        "en": "Practice on {deck}: {count} questions you got wrong most recently, the latest first. "
        "Only you can see this.",
        "fr": "Pratique sur {deck} : {count} questions ratées le plus récemment, les dernières d'abord. "
        "Vous seul voyez ceci.",
    },
    # The button next to Answer (at most 80 characters).
    "practice.idk": {"en": "I don't know — show me", "fr": "Je ne sais pas — montrez-moi"},
    "practice.gave_up": {
        "en": "You asked to see the answer: it counts as a miss, and this card comes back soon.",
        "fr": "Vous avez demandé la réponse : elle compte comme ratée, et cette carte reviendra bientôt.",
    },
    "practice.started": {
        "en": "Practice on {deck}: {count} questions ({due} due for review, {new} new, {ahead} reviewed "
        "early). Only you can see this.",
        "fr": "Pratique sur {deck} : {count} questions ({due} à revoir, {new} nouvelles, {ahead} revues "
        "en avance). Vous seul voyez ceci.",
    },
    "practice.started.one": {
        "en": "Practice on {deck}: {count} question ({mix}). Only you can see this.",
        "fr": "Pratique sur {deck} : {count} question ({mix}). Vous seul voyez ceci.",
    },
    "practice.started.other": {
        "en": "Practice on {deck}: {count} questions ({mix}). Only you can see this.",
        "fr": "Pratique sur {deck} : {count} questions ({mix}). Vous seul voyez ceci.",
    },
    "practice.started_mix": {"en": "{due}, {new}, {ahead}", "fr": "{due}, {new}, {ahead}"},
    "practice.count_due.one": {"en": "{count} due for review", "fr": "{count} à revoir"},
    "practice.count_due.other": {"en": "{count} due for review", "fr": "{count} à revoir"},
    "practice.count_new.one": {"en": "{count} new", "fr": "{count} nouvelle"},
    "practice.count_new.other": {"en": "{count} new", "fr": "{count} nouvelles"},
    "practice.count_ahead.one": {"en": "{count} reviewed early", "fr": "{count} revue en avance"},
    "practice.count_ahead.other": {"en": "{count} reviewed early", "fr": "{count} revues en avance"},
    "practice.question_title": {
        "en": "Question {n}/{total} — {deck}",
        "fr": "Question {n}/{total} — {deck}",
    },
    "practice.expected.one": {"en": "{count} item expected", "fr": "{count} élément attendu"},
    "practice.expected.other": {"en": "{count} items expected", "fr": "{count} éléments attendus"},
    "practice.how_to": {
        "en": "Press Answer and list what you remember, one item per line.",
        "fr": "Appuyez sur Répondre et listez ce dont vous vous souvenez, un élément par ligne.",
    },
    "practice.modal_title": {"en": "Question {n}/{total}", "fr": "Question {n}/{total}"},
    "practice.modal_label": {"en": "Your answer", "fr": "Votre réponse"},
    "practice.modal_placeholder.one": {
        "en": "{count} item: name it",
        "fr": "{count} élément : nommez-le",
    },
    "practice.modal_placeholder.other": {
        "en": "{count} items, one per line",
        "fr": "{count} éléments, un par ligne",
    },
    # The feedback.
    "practice.feedback_title": {
        "en": "Question {n}/{total}: {found}/{count} ({percent})",
        "fr": "Question {n}/{total} : {found}/{count} ({percent})",
    },
    "practice.feedback_title_penalised": {
        "en": "Question {n}/{total}: {score}",
        "fr": "Question {n}/{total} : {score}",
    },
    "practice.found_header": {"en": "Found ({count})", "fr": "Trouvés ({count})"},
    "practice.found_item": {"en": "✓ {item} ← “{part}”", "fr": "✓ {item} ← « {part} »"},
    "practice.found_item_alias": {
        "en": "✓ {item} ← “{part}” (an accepted alternative)",
        "fr": "✓ {item} ← « {part} » (une variante acceptée)",
    },
    "practice.found_item_detail": {
        "en": "✓ {item} ← “{part}” (you described it)",
        "fr": "✓ {item} ← « {part} » (vous l'avez décrit)",
    },
    "practice.found_item_meaning": {
        "en": "✓ {item} ← “{part}” (by meaning: the same idea in other words, or in the other language)",
        "fr": "✓ {item} ← « {part} » (par le sens : la même idée en d'autres mots, ou dans l'autre langue)",
    },
    "practice.found_none": {"en": "No item found this time.", "fr": "Aucun élément trouvé cette fois."},
    "practice.missed_header": {"en": "Missed ({count})", "fr": "Manqués ({count})"},
    "practice.missed_item": {"en": "✗ {item}", "fr": "✗ {item}"},
    "practice.missed_item_detail": {"en": "✗ {item} — {detail}", "fr": "✗ {item} — {detail}"},
    "practice.all_found": {"en": "Nothing missed. Well done!", "fr": "Rien de manqué. Bravo !"},
    "practice.unmatched_header": {
        "en": "These parts matched nothing",
        "fr": "Ces parties ne correspondent à rien",
    },
    "practice.unmatched_item": {"en": "· {part}", "fr": "· {part}"},
    "practice.penalty.one": {
        "en": "{extra} wrong parts beyond the free ones cost {cost} item.",
        "fr": "{extra} parties fausses au-delà des permises coûtent {cost} élément.",
    },
    "practice.penalty.other": {
        "en": "{extra} wrong parts beyond the free ones cost {cost} items.",
        "fr": "{extra} parties fausses au-delà des permises coûtent {cost} éléments.",
    },
    "practice.score": {
        "en": "Score: {found}/{total} ({percent})",
        "fr": "Résultat : {found}/{total} ({percent})",
    },
    "practice.score_penalised": {"en": "Score: {score}", "fr": "Résultat : {score}"},
    "practice.points": {
        "en": "+{points} · your practice total: {total}. Practice points are kept apart from the daily "
        "question's.",
        "fr": "+{points} · votre total de pratique : {total}. Les points de pratique sont comptés à part de "
        "ceux de la question du jour.",
    },
    "practice.next_review": {
        "en": "You will see this card again {when}.",
        "fr": "Vous reverrez cette carte {when}.",
    },
    # The end.
    "practice.summary_title": {"en": "Practice over — {deck}", "fr": "Pratique terminée — {deck}"},
    "practice.summary": {
        "en": "{answered} of {total} questions answered, average {average}, best {best}. Points earned: "
        "{points}.",
        "fr": "{answered} question(s) répondue(s) sur {total}, moyenne {average}, meilleur résultat {best}. "
        "Points gagnés : {points}.",
    },
    # Plural by the session's size: "1 of 1 question answered"; in French the header agrees with it.
    "practice.summary_answered.one": {
        "en": "{answered} of {count} question answered, average {average}, best {best}. Points earned: "
        "{points}.",
        "fr": "Question répondue : {answered} sur {count}, moyenne {average}, meilleur résultat {best}. "
        "Points gagnés : {points}.",
    },
    "practice.summary_answered.other": {
        "en": "{answered} of {count} questions answered, average {average}, best {best}. Points earned: "
        "{points}.",
        "fr": "Questions répondues : {answered} sur {count}, moyenne {average}, meilleur résultat {best}. "
        "Points gagnés : {points}.",
    },
    "practice.weakest_header": {"en": "To review first", "fr": "À revoir en premier"},
    "practice.weakest_item": {"en": "• {question} — {percent}", "fr": "• {question} — {percent}"},
    "practice.next_due": {
        "en": "Next review of this deck: {when}.",
        "fr": "Prochaine révision de ce paquet : {when}.",
    },
    "practice.summary_none": {
        "en": "No question answered. Come back any time with /practice.",
        "fr": "Aucune question répondue. Revenez quand vous voulez avec /practice.",
    },
    "practice.again": {
        "en": "Run /practice again for another round: cards you found hard come back first.",
        "fr": "Relancez /practice pour une autre série : les cartes difficiles reviennent en premier.",
    },
    # Errors, always private.
    "practice.error.unknown_deck": {
        "en": "There is no deck called “{name}” on this server. Pick one from the suggestions as you type, "
        "or leave the deck out to practise the server's deck.",
        "fr": "Aucun paquet ne s'appelle « {name} » sur ce serveur. Choisissez-en un parmi les suggestions, "
        "ou omettez le paquet pour pratiquer celui du serveur.",
    },
    "practice.error.empty_deck": {
        "en": "The deck “{name}” has no question to practise yet (no card lists any item).",
        "fr": "Le paquet « {name} » n'a encore aucune question à pratiquer (aucune carte n'a d'élément).",
    },
    "practice.error.no_deck": {
        "en": "There is no deck to practise on this server yet. A teacher can import one with /deck import.",
        "fr": "Il n'y a encore aucun paquet à pratiquer sur ce serveur. "
        "Un enseignant peut en importer un avec /deck import.",
    },
    "practice.error.expired": {
        "en": "This practice session expired: it was left alone for more than {minutes} minutes. "
        "Your answers were kept. Start a new session with /practice.",
        "fr": "Cette séance de pratique a expiré : elle est restée sans activité plus de {minutes} minutes. "
        "Vos réponses sont conservées. Lancez une nouvelle séance avec /practice.",
    },
    "practice.error.ended": {
        "en": "This practice session has ended. Start a new one with /practice.",
        "fr": "Cette séance de pratique est terminée. Lancez-en une nouvelle avec /practice.",
    },
    "practice.error.already_answered": {
        "en": "You already answered this question. Press Next to go on.",
        "fr": "Vous avez déjà répondu à cette question. Appuyez sur Suivante pour continuer.",
    },
    "practice.error.no_mistakes": {
        "en": "You have no mistakes to practise on “{name}”: every card you answered was right the last "
        "time. Run /practice without mode for spaced repetition.",
        "fr": "Aucune erreur à pratiquer sur « {name} » : chaque carte répondue était juste la dernière "
        "fois. Lancez /practice sans mode pour la répétition espacée.",
    },
    "practice.error.stale": {
        "en": "This button belongs to an earlier question. Use the latest practice message.",
        "fr": "Ce bouton appartient à une question précédente. Utilisez le dernier message de pratique.",
    },
}
