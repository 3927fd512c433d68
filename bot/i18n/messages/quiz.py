"""Messages of the live quiz: ``/quiz start`` and ``/quiz stop``, the rounds, the private receipts, the
scoreboards. Points are explained in ``bot.quiz`` (10 per item, up to 5 for speed); ``quiz.rules`` says it to
members. Counted forms end in ``.one`` / ``.other`` and go through ``bot.i18n.tn``.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command descriptions.
    "quiz.cmd.quiz": {
        "en": "A live quiz race in this channel",
        "fr": "Une course-quiz en direct dans ce salon",
    },
    "quiz.cmd.start": {
        "en": "Start a live quiz in this channel: members race to answer",
        "fr": "Lancer un quiz en direct dans ce salon : les membres répondent au plus vite",
    },
    "quiz.cmd.start.deck": {
        "en": "The deck to draw questions from (default: the server's deck)",
        "fr": "Le paquet d'où viennent les questions (par défaut : celui du serveur)",
    },
    "quiz.cmd.start.rounds": {
        "en": "How many rounds (default 5)",
        "fr": "Combien de manches (5 par défaut)",
    },
    "quiz.cmd.start.seconds": {
        "en": "Seconds per round (10 to 300; default 60)",
        "fr": "Secondes par manche (10 à 300 ; 60 par défaut)",
    },
    "quiz.cmd.start.target": {
        "en": "End the quiz once someone has this many points (10 to 1000)",
        "fr": "Finir le quiz dès que quelqu'un a ce nombre de points (10 à 1000)",
    },
    "quiz.cmd.stop": {
        "en": "Stop this channel's quiz now (who started it, or a teacher)",
        "fr": "Arrêter maintenant le quiz de ce salon (qui l'a lancé, ou un enseignant)",
    },
    # The announcement and the rounds.
    "quiz.announce_title": {"en": "Live quiz — {deck}", "fr": "Quiz en direct — {deck}"},
    "quiz.announce.one": {
        "en": "{starter} started a quiz: {count} round of {seconds} seconds. Press Answer under the "
        "question; only your first answer counts.",
        "fr": "{starter} a lancé un quiz : {count} manche de {seconds} secondes. Appuyez sur Répondre sous "
        "la question; seule votre première réponse compte.",
    },
    "quiz.announce.other": {
        "en": "{starter} started a quiz: {count} rounds of {seconds} seconds. Press Answer under each "
        "question; only your first answer to a round counts.",
        "fr": "{starter} a lancé un quiz : {count} manches de {seconds} secondes. Appuyez sur Répondre sous "
        "chaque question; seule votre première réponse à une manche compte.",
    },
    "quiz.someone": {"en": "a player", "fr": "un joueur"},
    "quiz.announce_target": {
        "en": "First to {target} points: the quiz ends after the round in which someone reaches them.",
        "fr": "Premier à {target} points : le quiz se termine après la manche où quelqu'un les atteint.",
    },
    "quiz.announce_early": {
        "en": "From the second round on, a round ends early once everyone playing has answered it.",
        "fr": "Dès la deuxième manche, une manche se termine plus tôt quand tous les joueurs y ont répondu.",
    },
    "quiz.rules": {
        "en": "{item_points} points per item found, plus up to {bonus} for speed.",
        "fr": "{item_points} points par élément trouvé, plus jusqu'à {bonus} pour la rapidité.",
    },
    "quiz.round_title": {"en": "Round {n}/{total}", "fr": "Manche {n}/{total}"},
    "quiz.expected.one": {"en": "{count} item expected", "fr": "{count} élément attendu"},
    "quiz.expected.other": {"en": "{count} items expected", "fr": "{count} éléments attendus"},
    "quiz.round_ends": {"en": "Answers close {when}.", "fr": "Les réponses ferment {when}."},
    "quiz.round_closed": {"en": "Answers are closed.", "fr": "Les réponses sont fermées."},
    "quiz.modal_title": {"en": "Round {n}", "fr": "Manche {n}"},
    "quiz.modal_label": {"en": "Your answer", "fr": "Votre réponse"},
    "quiz.modal_placeholder": {
        "en": "One item per line; be quick!",
        "fr": "Un élément par ligne; faites vite !",
    },
    # Private receipts.
    "quiz.received": {
        "en": "Answer received for round {n}: {found}/{total} items ({items}). {points} = {base} for the "
        "items + {bonus} for speed. The answers come at the end of the round.",
        "fr": "Réponse reçue pour la manche {n} : {found}/{total} éléments ({items}). {points} = {base} pour "
        "les éléments + {bonus} pour la rapidité. Les réponses viennent à la fin de la manche.",
    },
    "quiz.received_penalised": {
        "en": "Answer received for round {n}: {score} ({items}). {points} = {base} for the items + {bonus} "
        "for speed. The answers come at the end of the round.",
        "fr": "Réponse reçue pour la manche {n} : {score} ({items}). {points} = {base} pour les éléments + "
        "{bonus} pour la rapidité. Les réponses viennent à la fin de la manche.",
    },
    "quiz.received_none": {
        "en": "Answer received for round {n}: no item found this time. The answers come at the end of the "
        "round.",
        "fr": "Réponse reçue pour la manche {n} : aucun élément trouvé cette fois. Les réponses viennent à "
        "la fin de la manche.",
    },
    # Round results and standings.
    "quiz.round_over_title": {
        "en": "Round {n}/{total}: the answers",
        "fr": "Manche {n}/{total} : les réponses",
    },
    "quiz.key_header": {"en": "Expected", "fr": "Attendu"},
    "quiz.key_item": {"en": "• {item}", "fr": "• {item}"},
    "quiz.key_item_detail": {"en": "• {item} — {detail}", "fr": "• {item} — {detail}"},
    "quiz.round_header": {"en": "This round", "fr": "Cette manche"},
    "quiz.round_line": {
        "en": "{rank}. {member}: {found}/{total} items, {points} (+{bonus} for speed, {seconds} s)",
        "fr": "{rank}. {member} : {found}/{total} éléments, {points} "
        "(+{bonus} pour la rapidité, {seconds} s)",
    },
    "quiz.round_nobody": {"en": "Nobody answered this round.", "fr": "Personne n'a répondu à cette manche."},
    "quiz.more.one": {"en": "… and {count} more", "fr": "… et {count} autre"},
    "quiz.more.other": {"en": "… and {count} more", "fr": "… et {count} autres"},
    "quiz.standings_header": {"en": "Standings", "fr": "Classement"},
    "quiz.standing_line": {
        "en": "{place} {member}: {points}",
        "fr": "{place} {member} : {points}",
    },
    "quiz.next_round": {"en": "Next round {when}.", "fr": "Prochaine manche {when}."},
    "quiz.final_title": {"en": "Quiz over — {deck}", "fr": "Quiz terminé — {deck}"},
    "quiz.final_rounds.one": {"en": "{count} round played.", "fr": "{count} manche jouée."},
    "quiz.final_rounds.other": {"en": "{count} rounds played.", "fr": "{count} manches jouées."},
    "quiz.final_target": {
        "en": "{member} reached {target} points!",
        "fr": "{member} a atteint {target} points !",
    },
    "quiz.final_nobody": {
        "en": "Nobody answered: no scores this time.",
        "fr": "Personne n'a répondu : aucun point cette fois.",
    },
    "quiz.interrupted": {
        "en": "This quiz was cut short: the bot restarted. It ends here with the rounds played; its buttons "
        "no longer take answers.",
        "fr": "Ce quiz a été interrompu : le bot a redémarré. Il se termine ici avec les manches jouées ; "
        "ses boutons ne prennent plus de réponses.",
    },
    "quiz.final_saved": {
        "en": "Results are kept in the quiz leaderboard, apart from the daily question.",
        "fr": "Les résultats sont gardés dans le classement des quiz, à part de la question du jour.",
    },
    "quiz.stopping": {
        "en": "The quiz stops: this round is scored, then the final scoreboard follows.",
        "fr": "Le quiz s'arrête : cette manche est comptée, puis le classement final suit.",
    },
    # Errors, always private (except quiz.error.failed, posted in the channel).
    "quiz.error.seconds": {
        "en": "A round lasts {low} to {high} seconds.",
        "fr": "Une manche dure de {low} à {high} secondes.",
    },
    "quiz.error.target": {
        "en": "The target is {low} to {high} points.",
        "fr": "L'objectif est de {low} à {high} points.",
    },
    "quiz.error.busy": {
        "en": "A quiz is already running in this channel. Wait for its final scoreboard, or run one in "
        "another channel.",
        "fr": "Un quiz est déjà en cours dans ce salon. Attendez son classement final, ou lancez-en un "
        "dans un autre salon.",
    },
    "quiz.error.cannot_post": {
        "en": "I can't run a quiz here: I need to see this channel, send messages and embed links in it.",
        "fr": "Je ne peux pas lancer de quiz ici : il me faut voir ce salon, y envoyer des messages et "
        "intégrer des liens.",
    },
    "quiz.error.unknown_deck": {
        "en": "There is no deck called “{name}” on this server. Pick one from the suggestions as you type, "
        "or leave the deck out to use the server's deck.",
        "fr": "Aucun paquet ne s'appelle « {name} » sur ce serveur. Choisissez-en un parmi les suggestions, "
        "ou omettez le paquet pour utiliser celui du serveur.",
    },
    "quiz.error.empty_deck": {
        "en": "The deck “{name}” has no question for a quiz yet (no card lists any item).",
        "fr": "Le paquet « {name} » n'a encore aucune question pour un quiz (aucune carte n'a d'élément).",
    },
    "quiz.error.no_deck": {
        "en": "There is no deck on this server yet. A teacher can import one with /deck import.",
        "fr": "Il n'y a encore aucun paquet sur ce serveur. "
        "Un enseignant peut en importer un avec /deck import.",
    },
    "quiz.error.round_closed": {
        "en": "Round {n} is closed: answers are no longer accepted.",
        "fr": "La manche {n} est fermée : les réponses ne sont plus acceptées.",
    },
    "quiz.error.already_answered": {
        "en": "You already answered round {n}: only your first answer counts.",
        "fr": "Vous avez déjà répondu à la manche {n} : seule votre première réponse compte.",
    },
    "quiz.error.over": {
        "en": "This quiz is over. Start a new one with /quiz start.",
        "fr": "Ce quiz est terminé. Lancez-en un nouveau avec /quiz start.",
    },
    "quiz.error.not_running": {
        "en": "No quiz is running in this channel.",
        "fr": "Aucun quiz n'est en cours dans ce salon.",
    },
    "quiz.error.not_starter": {
        "en": "Only the member who started this quiz, or a teacher, can stop it.",
        "fr": "Seul le membre qui a lancé ce quiz, ou un enseignant, peut l'arrêter.",
    },
    "quiz.error.failed": {
        "en": "The quiz stopped because of a problem (reference {ref}); the rounds played are kept. The "
        "teacher can check the bot's logs.",
        "fr": "Le quiz s'est arrêté à cause d'un problème (référence {ref}); les manches jouées sont "
        "conservées. L'enseignant peut consulter les journaux du bot.",
    },
}
