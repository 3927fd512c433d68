"""Messages of /tutor: set-up, status, pause and resume, manual post and reveal, export, forget-me.

Keys ending in ``.one`` / ``.other`` are plural forms (``bot.i18n.tn``). Permission names follow Discord's
own settings screens in each language, so a teacher finds them where Discord shows them.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command and option descriptions.
    "tutor.cmd": {
        "en": "The daily question: set-up and teacher tools",
        "fr": "La question du jour : configuration et outils de l'enseignant",
    },
    "tutor.cmd.setup": {
        "en": "Set up the daily question: channel, time, time zone and deck",
        "fr": "Configurer la question du jour : salon, heure, fuseau horaire et paquet",
    },
    "tutor.cmd.setup.channel": {
        "en": "The channel where the question is posted",
        "fr": "Le salon où la question est publiée",
    },
    "tutor.cmd.setup.time": {
        "en": "Posting time, 24-hour clock, e.g. 08:00",
        "fr": "Heure de publication, format 24 heures, par exemple 08:00",
    },
    "tutor.cmd.setup.timezone": {
        "en": "Time zone (IANA name), e.g. America/Montreal",
        "fr": "Fuseau horaire (nom IANA), par exemple America/Montreal",
    },
    "tutor.cmd.setup.deck": {
        "en": "The deck the questions come from",
        "fr": "Le paquet d'où viennent les questions",
    },
    "tutor.cmd.setup.days": {
        "en": "Posting days, e.g. mon-fri or mon,wed,fri (default: every day)",
        "fr": "Jours de publication, par exemple lun-ven ou lun,mer,ven (par défaut : tous les jours)",
    },
    "tutor.cmd.setup.window": {
        "en": "Hours members have to answer (1 to 168; default 24, never past the next question)",
        "fr": "Heures pour répondre (1 à 168 ; 24 par défaut, jamais au-delà de la question suivante)",
    },
    "tutor.cmd.setup.language": {"en": "Language of the bot's messages", "fr": "Langue des messages du bot"},
    "tutor.cmd.setup.teacher_role": {
        "en": "A role that may use the teacher commands",
        "fr": "Un rôle autorisé à utiliser les commandes de l'enseignant",
    },
    "tutor.cmd.setup.private_answers": {
        "en": "Delete replies to the post so classmates can't copy them (needs Manage Messages)",
        "fr": "Supprimer les réponses au message pour qu'on ne les copie pas (il faut Gérer les messages)",
    },
    "tutor.cmd.setup.ping_role": {
        "en": "A role mentioned on each question (the only role the bot ever pings)",
        "fr": "Un rôle mentionné à chaque question (le seul rôle que le bot notifie)",
    },
    "tutor.cmd.setup.thread": {
        "en": "Open a thread on each question; the answer key is posted there too",
        "fr": "Ouvrir un fil sur chaque question ; le corrigé y est aussi publié",
    },
    "tutor.cmd.setup.reminder": {
        "en": "Hours before the deadline for one reminder post (0: no reminder)",
        "fr": "Heures avant la fin pour un message de rappel (0 : pas de rappel)",
    },
    "tutor.cmd.status": {
        "en": "Show the daily question's set-up and state",
        "fr": "Voir la configuration et l'état de la question du jour",
    },
    "tutor.cmd.pause": {"en": "Pause the daily question", "fr": "Mettre la question du jour en pause"},
    "tutor.cmd.resume": {"en": "Resume the daily question", "fr": "Reprendre la question du jour"},
    "tutor.cmd.post_now": {
        "en": "Post the next question now",
        "fr": "Publier la prochaine question maintenant",
    },
    "tutor.cmd.reveal_now": {
        "en": "Close the open question and reveal its answer key",
        "fr": "Fermer la question ouverte et publier son corrigé",
    },
    "tutor.cmd.export": {
        "en": "Download the server's scores (CSV)",
        "fr": "Télécharger les scores du serveur (CSV)",
    },
    "tutor.cmd.forget_me_moved": {
        "en": "Moved: use /forget-me (for every member)",
        "fr": "Déplacée : utilisez /forget-me (pour tous les membres)",
    },
    "tutor.cmd.forget_me": {
        "en": "Erase everything the bot stores about you on this server",
        "fr": "Effacer tout ce que le bot garde sur vous dans ce serveur",
    },
    # Languages, counted words.
    "tutor.language.fr": {"en": "French", "fr": "français"},
    "tutor.language.en": {"en": "English", "fr": "anglais"},
    "tutor.cards.one": {"en": "{count} card", "fr": "{count} carte"},
    "tutor.cards.other": {"en": "{count} cards", "fr": "{count} cartes"},
    "tutor.hours.one": {"en": "{count} hour", "fr": "{count} heure"},
    "tutor.hours.other": {"en": "{count} hours", "fr": "{count} heures"},
    "tutor.answers.one": {"en": "{count} answer so far", "fr": "{count} réponse jusqu'ici"},
    "tutor.answers.other": {"en": "{count} answers so far", "fr": "{count} réponses jusqu'ici"},
    # Permissions, as Discord's settings name them.
    "tutor.perm.view_channel": {"en": "View Channel", "fr": "Voir le salon"},
    "tutor.perm.send_messages": {"en": "Send Messages", "fr": "Envoyer des messages"},
    "tutor.perm.embed_links": {"en": "Embed Links", "fr": "Intégrer des liens"},
    "tutor.perm.create_public_threads": {"en": "Create Public Threads", "fr": "Créer des fils publics"},
    "tutor.perm.send_messages_in_threads": {
        "en": "Send Messages in Threads",
        "fr": "Envoyer des messages dans les fils",
    },
    # Set-up.
    "tutor.setup.title": {"en": "Daily question set up", "fr": "Question du jour configurée"},
    "tutor.setup.done": {
        "en": "The question of the day will be posted in {channel} at {time} ({timezone}), {days}.",
        "fr": "La question du jour sera publiée dans {channel} à {time} ({timezone}), {days}.",
    },
    "tutor.setup.deck": {
        "en": "Deck: {deck}, {title} ({cards}).",
        "fr": "Paquet : {deck}, {title} ({cards}).",
    },
    "tutor.setup.window.one": {
        "en": "Members have {count} hour to answer (never past the next question).",
        "fr": "Les membres ont {count} heure pour répondre (jamais au-delà de la question suivante).",
    },
    "tutor.setup.window.other": {
        "en": "Members have {count} hours to answer (never past the next question).",
        "fr": "Les membres ont {count} heures pour répondre (jamais au-delà de la question suivante).",
    },
    "tutor.setup.next": {
        "en": "Next question: {when}, {local}.",
        "fr": "Prochaine question : {when}, {local}.",
    },
    "tutor.setup.language": {"en": "Language: {language}.", "fr": "Langue : {language}."},
    "tutor.setup.teacher_role": {"en": "Teacher role: {role}.", "fr": "Rôle enseignant : {role}."},
    "tutor.setup.private_on": {
        "en": "Private answers: replies to the post are deleted once graded.",
        "fr": "Réponses privées : les réponses au message sont supprimées une fois corrigées.",
    },
    "tutor.setup.private_off": {
        "en": "Members answer with the button or /answer; only they see their grade.",
        "fr": "Les membres répondent avec le bouton ou /answer ; eux seuls voient leur note.",
    },
    "tutor.setup.ping_role": {
        "en": "Each question mentions {role} (no other mention ever pings).",
        "fr": "Chaque question mentionne {role} (aucune autre mention ne notifie).",
    },
    "tutor.setup.thread_on": {
        "en": "Each question opens a thread to talk about it; the answer key is posted there too.",
        "fr": "Chaque question ouvre un fil pour en discuter ; le corrigé y est aussi publié.",
    },
    "tutor.setup.reminder.one": {
        "en": "A reminder is posted {count} hour before the deadline, with how many have answered.",
        "fr": "Un rappel est publié {count} heure avant la fin, avec le nombre de réponses.",
    },
    "tutor.setup.reminder.other": {
        "en": "A reminder is posted {count} hours before the deadline, with how many have answered.",
        "fr": "Un rappel est publié {count} heures avant la fin, avec le nombre de réponses.",
    },
    "tutor.setup.still_paused": {
        "en": "The daily question is paused: use /tutor resume to start it again.",
        "fr": "La question du jour est en pause : utilisez /tutor resume pour la relancer.",
    },
    "tutor.setup.error.header": {
        "en": "Nothing was changed. Please fix this and run /tutor setup again:",
        "fr": "Rien n'a été modifié. Corrigez ceci et relancez /tutor setup :",
    },
    "tutor.setup.error.language": {
        "en": "“{value}” is not a language the bot speaks: choose French (fr) or English (en).",
        "fr": "« {value} » n'est pas une langue du bot : choisissez français (fr) ou anglais (en).",
    },
    "tutor.setup.error.ping_everyone": {
        "en": "@everyone can't be the role to ping: choose your class's role.",
        "fr": "@everyone ne peut pas être le rôle à mentionner : choisissez le rôle de votre classe.",
    },
    "tutor.setup.error.ping_managed": {
        "en": "{role} belongs to an integration (a bot or server boosts): choose a role your members have.",
        "fr": "{role} appartient à une intégration (un bot ou les boosts) : "
        "choisissez un rôle de vos membres.",
    },
    "tutor.setup.error.ping_unpingable": {
        "en": "I can't ping {role}: make it mentionable (Server Settings → Roles), or give my role "
        "Mention @everyone, @here and All Roles in {channel}.",
        "fr": "Je ne peux pas notifier {role} : rendez-le mentionnable (Paramètres du serveur → Rôles), "
        "ou donnez à mon rôle Mentionner @everyone, @here et tous les rôles dans {channel}.",
    },
    "tutor.setup.error.thread_permissions": {
        "en": "I can't open threads in {channel}: give my role {permissions} in that channel, or set thread "
        "to False.",
        "fr": "Je ne peux pas ouvrir de fils dans {channel} : donnez à mon rôle {permissions} dans ce salon, "
        "ou mettez thread à False.",
    },
    "tutor.setup.error.reminder": {
        "en": "A reminder {hours} hours before the deadline would come before the question: the answer "
        "window is {window} hours. Choose fewer hours (0: no reminder).",
        "fr": "Un rappel {hours} heures avant la fin arriverait avant la question : la période de réponse "
        "est de {window} heures. Choisissez moins d'heures (0 : pas de rappel).",
    },
    "tutor.setup.error.permissions": {
        "en": "I can't post in {channel}: give my role {permissions} in that channel.",
        "fr": "Je ne peux pas publier dans {channel} : donnez à mon rôle {permissions} dans ce salon.",
    },
    # Status.
    "tutor.status.title": {"en": "Daily question", "fr": "Question du jour"},
    "tutor.status.channel": {"en": "Channel", "fr": "Salon"},
    "tutor.status.schedule": {"en": "Schedule", "fr": "Horaire"},
    "tutor.status.schedule_value": {
        "en": "{time} ({timezone}), {days}",
        "fr": "{time} ({timezone}), {days}",
    },
    "tutor.status.timezone_drift_label": {"en": "Time zone", "fr": "Fuseau horaire"},
    "tutor.status.timezone_drift": {
        "en": "{timezone} does not follow summer time: the question moves by an hour when the clocks change. "
        "Run /tutor setup again with the zone of a city, such as {suggestions}.",
        "fr": "{timezone} ne suit pas l'heure d'été : la question se décale d'une heure au changement "
        "d'heure. Relancez /tutor setup avec le fuseau d'une ville, par exemple {suggestions}.",
    },
    "tutor.status.deck": {"en": "Deck", "fr": "Paquet"},
    "tutor.status.deck_value": {"en": "{deck} ({cards})", "fr": "{deck} ({cards})"},
    "tutor.status.no_deck": {"en": "none", "fr": "aucun"},
    "tutor.status.window": {"en": "Answer window", "fr": "Période de réponse"},
    "tutor.status.language": {"en": "Language", "fr": "Langue"},
    "tutor.status.private": {"en": "Private answers", "fr": "Réponses privées"},
    "tutor.status.semantic_label": {"en": "Grading by meaning", "fr": "Correction par le sens"},
    "tutor.status.semantic.on": {
        "en": "on (paraphrases and the other language earn items)",
        "fr": "active (les reformulations et l'autre langue comptent)",
    },
    "tutor.status.semantic.off": {
        "en": "off (TUTOR_SEMANTIC=0): words only",
        "fr": "désactivée (TUTOR_SEMANTIC=0) : les mots seulement",
    },
    "tutor.status.semantic.missing": {
        "en": "off: the model could not be loaded (see the bot's log); words only",
        "fr": "désactivée : le modèle n'a pas pu être chargé (voir le journal du bot) ; les mots seulement",
    },
    "tutor.status.teacher_role": {"en": "Teacher role", "fr": "Rôle enseignant"},
    "tutor.status.ping_role": {"en": "Role pinged", "fr": "Rôle mentionné"},
    "tutor.status.thread": {"en": "Thread per question", "fr": "Fil par question"},
    "tutor.status.reminder": {"en": "Reminder", "fr": "Rappel"},
    "tutor.status.reminder_value.one": {
        "en": "{count} hour before the deadline",
        "fr": "{count} heure avant la fin",
    },
    "tutor.status.reminder_value.other": {
        "en": "{count} hours before the deadline",
        "fr": "{count} heures avant la fin",
    },
    "tutor.status.reminder_off": {"en": "none", "fr": "aucun"},
    "tutor.status.next_label": {"en": "Next question", "fr": "Prochaine question"},
    "tutor.status.next": {"en": "{when}, {local}", "fr": "{when}, {local}"},
    "tutor.status.queued": {
        "en": "The card chosen with /tutor next: “{question}”",
        "fr": "La carte choisie avec /tutor next : « {question} »",
    },
    "tutor.status.paused": {
        "en": "Paused. Use /tutor resume to start again.",
        "fr": "En pause. Utilisez /tutor resume pour reprendre.",
    },
    "tutor.status.not_ready": {"en": "Not scheduled.", "fr": "Non planifiée."},
    "tutor.status.open_label": {"en": "Open question", "fr": "Question ouverte"},
    "tutor.status.open": {
        "en": "{url}\nAnswers until {when}; {answers}.",
        "fr": "{url}\nRéponses jusqu'au {when} ; {answers}.",
    },
    "tutor.status.failures_label": {"en": "Posting problems", "fr": "Problèmes de publication"},
    "tutor.status.failures.one": {
        "en": "Posting failed {count} time, last {when}.",
        "fr": "La publication a échoué {count} fois, la dernière {when}.",
    },
    "tutor.status.failures.other": {
        "en": "Posting failed {count} times, last {when}.",
        "fr": "La publication a échoué {count} fois, la dernière {when}.",
    },
    "tutor.setup.error.teacher_role_everyone": {
        "en": "The teacher role can't be @everyone: every member would get the teacher commands. Choose a "
        "role only teachers have.",
        "fr": "Le rôle enseignant ne peut pas être @everyone : tous les membres auraient les commandes des "
        "enseignants. Choisissez un rôle que seuls les enseignants ont.",
    },
    "tutor.setup.error.teacher_role_managed": {
        "en": "The teacher role can't be a bot's or an integration's role: nobody can be given it. Choose a "
        "role only teachers have.",
        "fr": "Le rôle enseignant ne peut pas être celui d'un bot ou d'une intégration : personne ne peut le "
        "recevoir. Choisissez un rôle que seuls les enseignants ont.",
    },
    "tutor.status.outage_label": {"en": "⚠️ Database", "fr": "⚠️ Base de données"},
    "tutor.status.outage.unavailable": {
        "en": "The database cannot be reached: answers are refused (members are told to try again). The bot "
        "recovers by itself once it is back.",
        "fr": "La base de données est injoignable : les réponses sont refusées (les membres sont invités à "
        "réessayer). Le bot reprend de lui-même dès son retour.",
    },
    "tutor.status.outage.read_only": {
        "en": "The database file cannot be written (read-only file, folder or disk): answers are refused "
        "until it is writable again; the bot then recovers by itself.",
        "fr": "Le fichier de la base de données ne peut pas être écrit (fichier, dossier ou disque en "
        "lecture seule) : les réponses sont refusées jusqu'à ce qu'il le soit de nouveau ; le bot reprend "
        "alors de lui-même.",
    },
    "tutor.status.outage.disk_full": {
        "en": "The disk of the database is full: answers are refused until some space is freed; the bot then "
        "recovers by itself.",
        "fr": "Le disque de la base de données est plein : les réponses sont refusées jusqu'à ce que de la "
        "place soit libérée ; le bot reprend alors de lui-même.",
    },
    "tutor.status.outage.file_gone": {
        "en": "The database file was deleted or replaced while the bot runs: nothing more is recorded. Put "
        "the file back (or restore a backup) and restart the bot.",
        "fr": "Le fichier de la base de données a été supprimé ou remplacé pendant que le bot tourne : plus "
        "rien n'est enregistré. Remettez le fichier en place (ou restaurez une sauvegarde) et redémarrez le "
        "bot.",
    },
    "tutor.status.outage.locked": {
        "en": "Another program holds the database: answers are refused until it lets go. Only one bot may "
        "use a database.",
        "fr": "Un autre programme bloque la base de données : les réponses sont refusées jusqu'à ce qu'il la "
        "libère. Un seul bot peut utiliser une base de données.",
    },
    "tutor.status.outage.io_error": {
        "en": "The disk of the database fails to read or write: answers are refused. Check the disk.",
        "fr": "Le disque de la base de données n'arrive pas à lire ou écrire : les réponses sont refusées. "
        "Vérifiez le disque.",
    },
    "tutor.status.outage.server_read_only": {
        "en": "The PostgreSQL server accepts only reads (a standby, or read-only transactions switched on): "
        "answers are refused until it accepts writes again; the bot then recovers by itself.",
        "fr": "Le serveur PostgreSQL n'accepte que des lectures (un serveur de secours, ou les transactions "
        "en lecture seule activées) : les réponses sont refusées jusqu'à ce qu'il accepte de nouveau des "
        "écritures ; le bot reprend alors de lui-même.",
    },
    "tutor.status.retry": {"en": "Next try {when}.", "fr": "Prochain essai {when}."},
    "tutor.status.gave_up": {
        "en": "The bot stopped trying after {attempts} attempts. Fix the problem, then use /tutor post-now.",
        "fr": "Le bot a cessé d'essayer après {attempts} tentatives. Corrigez le problème, puis utilisez "
        "/tutor post-now.",
    },
    "tutor.failure.permissions": {
        "en": "The bot lacks {permissions} in {channel}.",
        "fr": "Il manque au bot {permissions} dans {channel}.",
    },
    "tutor.failure.channel_missing": {
        "en": "The channel no longer exists or the bot cannot see it: run /tutor setup with another channel.",
        "fr": "Le salon n'existe plus ou le bot ne le voit pas : relancez /tutor setup avec un autre salon.",
    },
    "tutor.failure.discord": {
        "en": "Discord refused the message (error {code}: {text}).",
        "fr": "Discord a refusé le message (erreur {code} : {text}).",
    },
    "tutor.failure.unknown": {"en": "Error: {text}", "fr": "Erreur : {text}"},
    # Pause, resume, manual post and reveal.
    "tutor.pause.done": {
        "en": "The daily question is paused. An open question still gets its answer key at its deadline.",
        "fr": "La question du jour est en pause. Une question ouverte reçoit quand même son corrigé à "
        "l'échéance.",
    },
    "tutor.resume.done": {
        "en": "The daily question is back. Next question: {when}.",
        "fr": "La question du jour reprend. Prochaine question : {when}.",
    },
    "tutor.post_now.done": {
        "en": "Posted in {channel}: {url}. Answers until {when}.",
        "fr": "Publiée dans {channel} : {url}. Réponses jusqu'au {when}.",
    },
    "tutor.post_now.failed": {
        "en": "The question could not be posted. {reason}",
        "fr": "La question n'a pas pu être publiée. {reason}",
    },
    "tutor.post_now.already": {
        "en": "A question was posted moments ago; to post another one, try again in a minute.",
        "fr": "Une question vient d'être publiée ; pour en publier une autre, réessayez dans une minute.",
    },
    "tutor.reveal_now.done": {
        "en": "The question is closed and its answer key posted: {url}",
        "fr": "La question est fermée et son corrigé publié : {url}",
    },
    "tutor.reveal_now.none": {
        "en": "There is no open question to reveal.",
        "fr": "Il n'y a pas de question ouverte à dévoiler.",
    },
    "tutor.reveal_now.failed": {
        "en": "The answer key could not be posted. {reason}",
        "fr": "Le corrigé n'a pas pu être publié. {reason}",
    },
    # Export and forget-me.
    "tutor.export.done": {
        "en": "The scores of this server ({members}), one member a line.",
        "fr": "Les scores de ce serveur ({members}), un membre par ligne.",
    },
    "tutor.export.members.one": {"en": "{count} member", "fr": "{count} membre"},
    "tutor.export.members.other": {"en": "{count} members", "fr": "{count} membres"},
    "tutor.forget.confirm": {
        "en": "This erases your answers, points, streaks, practice and quiz results on this server, for "
        "good. Continue?",
        "fr": "Ceci efface définitivement vos réponses, points, séries, révisions et résultats de quiz dans "
        "ce serveur. Continuer ?",
    },
    "tutor.forget.moved": {
        "en": "This command has moved: use **/forget-me**, which every member of the server can see. "
        "Nothing was erased.",
        "fr": "Cette commande a changé de nom : utilisez **/forget-me**, que tous les membres du serveur "
        "voient. Rien n'a été effacé.",
    },
    "tutor.forget.button": {"en": "Erase my data", "fr": "Effacer mes données"},
    "tutor.forget.done": {
        "en": "Done: everything the bot stored about you on this server is erased.",
        "fr": "C'est fait : tout ce que le bot gardait sur vous dans ce serveur est effacé.",
    },
    # /tutor next (issue 10, "Editing in Discord").
    "tutor.cmd.next": {
        "en": "Choose the next daily question",
        "fr": "Choisir la prochaine question du jour",
    },
    "tutor.cmd.next.card": {
        "en": "A card of the active deck (pick it from the list as you type)",
        "fr": "Une carte du paquet actif (choisissez-la dans la liste pendant la saisie)",
    },
    "tutor.next.done": {
        "en": "Card {number}, “{question}”, is the next question: it will be posted {when}. Then the deck's "
        "order goes on.",
        "fr": "La carte {number}, « {question} », est la prochaine question : elle sera publiée {when}. "
        "Ensuite, l'ordre du paquet reprend.",
    },
    "tutor.next.done_paused": {
        "en": "Card {number}, “{question}”, is the next question: it will be posted when you resume "
        "(/tutor resume), or now with /tutor post-now.",
        "fr": "La carte {number}, « {question} », est la prochaine question : elle sera publiée à la reprise "
        "(/tutor resume), ou tout de suite avec /tutor post-now.",
    },
}
