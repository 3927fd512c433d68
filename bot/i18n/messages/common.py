"""General messages shared by every feature: errors, button labels, weekday names, points and streaks.

Keys ending in ``.one`` / ``.other`` are plural forms, chosen by ``bot.i18n.tn`` from a count.
French templates use plain spaces before ``:`` and inside « »; ``bot.i18n`` turns them into non-breaking
spaces once, at import, so the source stays readable.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Errors every cog can return.
    "common.error.not_allowed": {
        "en": "You can't do that: it needs the Manage Server permission or the teacher role.",
        "fr": "Vous ne pouvez pas faire ça : il faut la permission Gérer le serveur ou le rôle enseignant.",
    },
    "common.error.unknown_deck": {
        "en": "There is no deck called “{name}”. Use /deck list to see the decks.",
        "fr": "Aucun paquet ne s'appelle « {name} ». Utilisez /deck list pour voir les paquets.",
    },
    "common.error.internal": {
        "en": "Something went wrong. The teacher can check the bot's logs.",
        "fr": "Quelque chose s'est mal passé. L'enseignant peut consulter les journaux du bot.",
    },
    "common.error.internal_ref": {
        "en": "Something went wrong. The teacher can check the bot's logs (reference {ref}).",
        "fr": "Quelque chose s'est mal passé. "
        "L'enseignant peut consulter les journaux du bot (référence {ref}).",
    },
    "common.error.guild_only": {
        "en": "This command only works in a server.",
        "fr": "Cette commande ne fonctionne que dans un serveur.",
    },
    "common.error.not_set_up": {
        "en": "The tutor is not set up on this server yet. A teacher can run /tutor setup.",
        "fr": "Le tuteur n'est pas encore configuré sur ce serveur. Un enseignant peut lancer /tutor setup.",
    },
    "common.error.expired": {
        "en": "This has expired. Run the command again.",
        "fr": "Ceci a expiré. Relancez la commande.",
    },
    "common.error.not_yours": {
        "en": "These buttons belong to someone else.",
        "fr": "Ces boutons appartiennent à quelqu'un d'autre.",
    },
    "common.error.stale_button": {
        "en": "This button is not one the bot has open for you (it is old, or someone else's). "
        "Run the command again.",
        "fr": "Ce bouton n'est pas un de ceux que le bot a ouverts pour vous (il est ancien, ou à quelqu'un "
        "d'autre). Relancez la commande.",
    },
    "common.error.stale_form": {
        "en": "This form is no longer open (it is old, or not one the bot gave you). Run the command again.",
        "fr": "Ce formulaire n'est plus ouvert (il est ancien, ou ce n'est pas le bot qui vous l'a donné). "
        "Relancez la commande.",
    },
    "common.error.bad_value": {
        "en": "“{value}” is not a value this command accepts. Pick one of the values Discord suggests.",
        "fr": "« {value} » n'est pas une valeur acceptée par cette commande. Choisissez parmi les valeurs "
        "que Discord propose.",
    },
    "common.error.unavailable": {
        "en": "Not recorded: the bot cannot save anything right now (a problem with its database, "
        "not with what you did). Try again in a minute.",
        "fr": "Rien n'a été enregistré : le bot ne peut rien sauvegarder pour l'instant (un problème de sa "
        "base de données, pas de ce que vous avez fait). Réessayez dans une minute.",
    },
    # Button and choice labels.
    "common.yes": {"en": "Yes", "fr": "Oui"},
    "common.no": {"en": "No", "fr": "Non"},
    "common.confirm": {"en": "Confirm", "fr": "Confirmer"},
    "common.cancel": {"en": "Cancel", "fr": "Annuler"},
    "common.cancelled": {"en": "Cancelled. Nothing was changed.", "fr": "Annulé. Rien n'a été modifié."},
    "common.next": {"en": "Next", "fr": "Suivante"},
    "common.stop": {"en": "Stop", "fr": "Arrêter"},
    "common.answer": {"en": "Answer", "fr": "Répondre"},
    "common.previous_page": {"en": "Previous", "fr": "Précédent"},
    "common.next_page": {"en": "Next", "fr": "Suivant"},
    # Joining lists: "a, b and c" / "a, b et c".
    "common.and": {"en": "and", "fr": "et"},
    # Weekday names, 0 = Monday like datetime.weekday().
    "common.weekday.0": {"en": "Monday", "fr": "lundi"},
    "common.weekday.1": {"en": "Tuesday", "fr": "mardi"},
    "common.weekday.2": {"en": "Wednesday", "fr": "mercredi"},
    "common.weekday.3": {"en": "Thursday", "fr": "jeudi"},
    "common.weekday.4": {"en": "Friday", "fr": "vendredi"},
    "common.weekday.5": {"en": "Saturday", "fr": "samedi"},
    "common.weekday.6": {"en": "Sunday", "fr": "dimanche"},
    "common.weekday_short.0": {"en": "Mon", "fr": "lun."},
    "common.weekday_short.1": {"en": "Tue", "fr": "mar."},
    "common.weekday_short.2": {"en": "Wed", "fr": "mer."},
    "common.weekday_short.3": {"en": "Thu", "fr": "jeu."},
    "common.weekday_short.4": {"en": "Fri", "fr": "ven."},
    "common.weekday_short.5": {"en": "Sat", "fr": "sam."},
    "common.weekday_short.6": {"en": "Sun", "fr": "dim."},
    # Named sets of days, so a schedule reads "weekdays" rather than "Mon, Tue, Wed, Thu and Fri".
    "common.days.every_day": {"en": "every day", "fr": "tous les jours"},
    "common.days.weekdays": {"en": "weekdays", "fr": "en semaine"},
    "common.days.weekend": {"en": "weekends", "fr": "la fin de semaine"},
    # Points and streaks: labels, and counted forms (French: 0 and 1 are singular).
    "common.points_label": {"en": "Points", "fr": "Points"},
    "common.streak_label": {"en": "Streak", "fr": "Série"},
    "common.points.one": {"en": "{count} point", "fr": "{count} point"},
    "common.points.other": {"en": "{count} points", "fr": "{count} points"},
    "common.streak.one": {"en": "{count}-day streak", "fr": "série de {count} jour"},
    "common.streak.other": {"en": "{count}-day streak", "fr": "série de {count} jours"},
    # A score, the same everywhere (daily feedback, practice, quiz receipts, the terminal). Without the
    # anti-spray penalty: "6/8 (75%)". With it, what was found and what the wrong parts cost, never "3/3".
    "common.score.plain": {"en": "{found}/{total} ({percent})", "fr": "{found}/{total} ({percent})"},
    "common.score.penalised": {"en": "{found}, {cost}: {percent}", "fr": "{found}, {cost} : {percent}"},
    "common.score.found.one": {"en": "{count} item found", "fr": "{count} élément trouvé"},
    "common.score.found.other": {"en": "{count} items found", "fr": "{count} éléments trouvés"},
    "common.score.cost.one": {
        "en": "{count} wrong part costs {cost}",
        "fr": "{count} partie fausse coûte {cost}",
    },
    "common.score.cost.other": {
        "en": "{count} wrong parts cost {cost}",
        "fr": "{count} parties fausses coûtent {cost}",
    },
    # When the wrong parts are not known any more (a second attempt shows the first, stored grade).
    "common.score.cost_unknown": {
        "en": "wrong parts cost {cost}",
        "fr": "des parties fausses coûtent {cost}",
    },
}
