"""Messages of the scheduling rules: what is wrong with a time, days, a time zone or an answer window.

``bot.rules.scheduling.ScheduleError`` carries one of these keys and its values, so a cog shows the error in
the guild's language; every message says what was wrong and gives an example of a right value.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "scheduling.error.time_format": {
        "en": "“{value}” is not a time of day. Use the 24-hour clock, HH:MM, for example 08:00 or 17:30.",
        "fr": "« {value} » n'est pas une heure. "
        "Utilisez le format 24 heures HH:MM, par exemple 08:00 ou 17:30.",
    },
    "scheduling.error.time_range": {
        "en": "“{value}” is not a valid time: hours go from 0 to 23 and minutes from 0 to 59. "
        "For example 08:00 or 17:30.",
        "fr": "« {value} » n'est pas une heure valide : les heures vont de 0 à 23 et les minutes de 0 à 59. "
        "Par exemple 08:00 ou 17:30.",
    },
    "scheduling.error.days_empty": {
        "en": "No days given. Use day names such as mon,wed,fri, a word such as weekdays or daily, "
        "or numbers such as 1-5 (1 = Monday, 7 = Sunday).",
        "fr": "Aucun jour indiqué. Utilisez des noms de jours comme lun,mer,ven, "
        "un mot comme semaine ou tous, ou des numéros comme 1-5 (1 = lundi, 7 = dimanche).",
    },
    "scheduling.error.days_unknown": {
        "en": "“{value}” is not a day of the week. Use day names such as mon,wed,fri, "
        "a word such as weekdays or daily, or numbers such as 1-5 (1 = Monday, 7 = Sunday).",
        "fr": "« {value} » n'est pas un jour de la semaine. Utilisez des noms de jours comme lun,mer,ven, "
        "un mot comme semaine ou tous, ou des numéros comme 1-5 (1 = lundi, 7 = dimanche).",
    },
    "scheduling.error.days_number": {
        "en": "“{value}” is not a day number: days go from 1 (Monday) to 7 (Sunday), "
        "for example 1-5 or 1,3,5.",
        "fr": "« {value} » n'est pas un numéro de jour : les jours vont de 1 (lundi) à 7 (dimanche), "
        "par exemple 1-5 ou 1,3,5.",
    },
    "scheduling.error.timezone_unknown": {
        "en": "“{value}” is not a known time zone. "
        "Use an IANA name such as America/Montreal or Europe/Paris.",
        "fr": "« {value} » n'est pas un fuseau horaire connu. Utilisez un nom IANA comme America/Montreal "
        "ou Europe/Paris.",
    },
    "scheduling.error.timezone_abbreviation": {
        "en": "“{value}” is an abbreviation, not a time zone: it can name several places and it does not "
        "follow summer time, so the question would move by an hour. Use the zone of a city: {suggestions}.",
        "fr": "« {value} » est une abréviation, pas un fuseau horaire : elle peut désigner plusieurs régions "
        "et ne suit pas l'heure d'été, la question se décalerait donc d'une heure. "
        "Utilisez le fuseau d'une ville : {suggestions}.",
    },
    "scheduling.error.timezone_abbreviation_fixed": {
        "en": "“{value}” is an abbreviation, not a time zone: it can name several places and it does not "
        "follow summer time, so the question would move by an hour. Use the zone of a city: {suggestions}. "
        "To stay at UTC{offset} all year, with no summer time, use {etc} "
        "(Etc/ names reverse the sign: {etc} is UTC{offset}).",
        "fr": "« {value} » est une abréviation, pas un fuseau horaire : elle peut désigner plusieurs régions "
        "et ne suit pas l'heure d'été, la question se décalerait donc d'une heure. "
        "Utilisez le fuseau d'une ville : {suggestions}. Pour rester à UTC{offset} toute l'année, "
        "sans heure d'été, utilisez {etc} (les noms Etc/ inversent le signe : {etc} est UTC{offset}).",
    },
    "scheduling.error.timezone_offset": {
        "en": "“{value}” is a fixed offset: it does not follow summer time, so the question would move by an "
        "hour twice a year. Use the zone of a city, such as {suggestions}.",
        "fr": "« {value} » est un décalage fixe : il ne suit pas l'heure d'été, la question se décalerait "
        "donc d'une heure deux fois par an. Utilisez le fuseau d'une ville, par exemple {suggestions}.",
    },
    "scheduling.error.timezone_offset_fixed": {
        "en": "“{value}” is a fixed offset: it does not follow summer time, so the question would move by an "
        "hour twice a year. Use the zone of a city, such as {suggestions}. To stay at UTC{offset} all "
        "year, with no summer time, use {etc} (Etc/ names reverse the sign: {etc} is UTC{offset}).",
        "fr": "« {value} » est un décalage fixe : il ne suit pas l'heure d'été, la question se décalerait "
        "donc d'une heure deux fois par an. Utilisez le fuseau d'une ville, par exemple {suggestions}. "
        "Pour rester à UTC{offset} toute l'année, sans heure d'été, utilisez {etc} "
        "(les noms Etc/ inversent le signe : {etc} est UTC{offset}).",
    },
    "scheduling.error.timezone_suggest": {
        "en": "“{value}” is not a known time zone. Did you mean {suggestions}? "
        "Time zones are IANA names such as America/Montreal or Europe/Paris.",
        "fr": "« {value} » n'est pas un fuseau horaire connu. Vouliez-vous dire {suggestions}? "
        "Les fuseaux sont des noms IANA comme America/Montreal ou Europe/Paris.",
    },
    "scheduling.error.answer_window": {
        "en": "The answer window must be between {min_hours} and {max_hours} hours, for example 12.",
        "fr": "La période de réponse doit durer entre {min_hours} et {max_hours} heures, par exemple 12.",
    },
    "scheduling.error.empty_deck": {
        "en": "This deck has no cards to post. Import cards into it or choose another deck.",
        "fr": "Ce paquet n'a aucune carte à publier. Importez-y des cartes ou choisissez un autre paquet.",
    },
}
