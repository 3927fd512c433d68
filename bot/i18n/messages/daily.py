"""Messages of the daily question: the post, the answer form, private feedback, the reveal, /answer.

Keys ending in ``.one`` / ``.other`` are plural forms (``bot.i18n.tn``); ``{when}`` values are Discord
timestamps, which every reader sees in their own time zone.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "daily.error.feedback_failed": {
        "en": "Discord did not take your answer's feedback. Your answer is kept: send it again to see "
        "your grade (it is not counted twice).",
        "fr": "Discord n'a pas accepté le retour sur votre réponse. Votre réponse est conservée : envoyez-la "
        "de nouveau pour voir votre note (elle n'est pas comptée deux fois).",
    },
    "daily.error.not_recorded": {
        "en": "Your answer was not recorded: the bot cannot save it right now (a problem with its database). "
        "Try again in a minute; nothing was counted.",
        "fr": "Votre réponse n'a pas été enregistrée : le bot ne peut pas la sauvegarder pour l'instant (un "
        "problème de sa base de données). Réessayez dans une minute ; rien n'a été compté.",
    },
    # Command descriptions (Discord shows them; the names stay as they are).
    "daily.cmd.answer": {
        "en": "Answer today's question (only you see your grade)",
        "fr": "Répondre à la question du jour (vous seul voyez votre note)",
    },
    "daily.cmd.answer.text": {
        "en": "Your answer: list the items, in any order",
        "fr": "Votre réponse : listez les éléments, dans n'importe quel ordre",
    },
    # The daily post.
    "daily.post.title": {"en": "Question of the day", "fr": "Question du jour"},
    "daily.post.expected": {"en": "Expected", "fr": "Attendu"},
    "daily.post.items.one": {"en": "{count} item", "fr": "{count} élément"},
    "daily.post.items.other": {"en": "{count} items", "fr": "{count} éléments"},
    "daily.post.deadline": {"en": "Answers until", "fr": "Réponses jusqu'au"},
    "daily.post.closed_label": {"en": "Closed", "fr": "Fermée"},
    "daily.post.footer": {
        "en": "Answer with the button below or /answer. Your answer and your grade stay private.",
        "fr": "Répondez avec le bouton ci-dessous ou /answer. Votre réponse et votre note restent privées.",
    },
    "daily.post.footer_closed": {
        "en": "This question is closed: the answer key is below.",
        "fr": "Cette question est fermée : le corrigé est plus bas.",
    },
    # The answer form (a modal: title and label at most 45 characters).
    "daily.modal.title": {"en": "Your answer", "fr": "Votre réponse"},
    "daily.modal.label": {"en": "Your answer", "fr": "Votre réponse"},
    # The thread opened on each question (a name of at most 100 characters; the question is cut to fit).
    "daily.thread.name": {"en": "Discussion: {question}", "fr": "Discussion : {question}"},
    # The one reminder before the deadline: how many answered, never who has not.
    "daily.reminder.title": {"en": "⏰ Still time to answer", "fr": "⏰ Encore le temps de répondre"},
    "daily.reminder.closes": {
        "en": "Today's question closes {when}.",
        "fr": "La question du jour se termine {when}.",
    },
    "daily.reminder.answered.one": {
        "en": "{count} member has answered so far.",
        "fr": "{count} membre a répondu jusqu'ici.",
    },
    "daily.reminder.answered.other": {
        "en": "{count} members have answered so far.",
        "fr": "{count} membres ont répondu jusqu'ici.",
    },
    "daily.reminder.nobody": {
        "en": "Nobody has answered yet: be the first!",
        "fr": "Personne n'a encore répondu : soyez le premier !",
    },
    "daily.reminder.how": {
        "en": "Answer with the button on the question, or with /answer.",
        "fr": "Répondez avec le bouton de la question, ou avec /answer.",
    },
    # Under the answer input, after the question (at most 100 characters).
    "daily.modal.hint.one": {"en": "{count} item expected", "fr": "{count} élément attendu"},
    "daily.modal.hint.other": {"en": "{count} items expected", "fr": "{count} éléments attendus"},
    "daily.modal.placeholder": {
        "en": "One item per line, or separated by commas",
        "fr": "Un élément par ligne, ou séparés par des virgules",
    },
    # Private feedback.
    "daily.feedback.title": {
        "en": "Your score: {score} ({percent})",
        "fr": "Votre note : {score} ({percent})",
    },
    "daily.feedback.title_penalised": {"en": "Your score: {score}", "fr": "Votre note : {score}"},
    "daily.feedback.already": {
        "en": "You already answered this question {when}. Only your first answer counts; here is its grade.",
        "fr": "Vous avez déjà répondu à cette question {when}. Seule la première réponse compte ; "
        "voici sa note.",
    },
    "daily.feedback.found.one": {"en": "{count} item found:", "fr": "{count} élément trouvé :"},
    "daily.feedback.found.other": {"en": "{count} items found:", "fr": "{count} éléments trouvés :"},
    "daily.feedback.found_item": {"en": "✅ **{item}**", "fr": "✅ **{item}**"},
    "daily.feedback.found_item_words": {
        "en": "✅ **{item}** ← “{words}”",
        "fr": "✅ **{item}** ← « {words} »",
    },
    "daily.feedback.found_item_meaning": {
        "en": "✅ **{item}** ← “{words}” (by meaning)",
        "fr": "✅ **{item}** ← « {words} » (par le sens)",
    },
    "daily.feedback.none_found": {
        "en": "No item of this card was found in your answer.",
        "fr": "Aucun élément de cette carte n'a été trouvé dans votre réponse.",
    },
    "daily.feedback.missed.one": {
        "en": "{count} item missed. The answer key comes when answers close, {when}.",
        "fr": "{count} élément manqué. Le corrigé arrive à la fermeture des réponses, {when}.",
    },
    "daily.feedback.missed.other": {
        "en": "{count} items missed. The answer key comes when answers close, {when}.",
        "fr": "{count} éléments manqués. Le corrigé arrive à la fermeture des réponses, {when}.",
    },
    "daily.feedback.missed_closed.one": {
        "en": "{count} item missed: see the answer key in the channel.",
        "fr": "{count} élément manqué : voyez le corrigé dans le salon.",
    },
    "daily.feedback.missed_closed.other": {
        "en": "{count} items missed: see the answer key in the channel.",
        "fr": "{count} éléments manqués : voyez le corrigé dans le salon.",
    },
    "daily.feedback.all_found": {
        "en": "You found every item. Well done!",
        "fr": "Vous avez trouvé tous les éléments. Bravo !",
    },
    "daily.feedback.penalty.one": {
        "en": "{extra} parts of your answer name nothing on this card: listing everything costs "
        "{count} item.",
        "fr": "{extra} parties de votre réponse ne nomment rien de cette carte : tout lister coûte "
        "{count} élément.",
    },
    "daily.feedback.penalty.other": {
        "en": "{extra} parts of your answer name nothing on this card: listing everything costs "
        "{count} items.",
        "fr": "{extra} parties de votre réponse ne nomment rien de cette carte : tout lister coûte "
        "{count} éléments.",
    },
    "daily.feedback.points": {"en": "+{points} (total: {total})", "fr": "+{points} (total : {total})"},
    # Refusals.
    "daily.error.no_open": {
        "en": "There is no open question right now. The next one comes {when}.",
        "fr": "Il n'y a pas de question ouverte en ce moment. La prochaine arrive le {when}.",
    },
    "daily.error.no_open_paused": {
        "en": "There is no open question right now: the daily question is paused.",
        "fr": "Il n'y a pas de question ouverte en ce moment : la question du jour est en pause.",
    },
    "daily.error.closed": {
        "en": "This question is closed: answers are no longer accepted. The answer key is in the channel.",
        "fr": "Cette question est fermée : les réponses ne sont plus acceptées. "
        "Le corrigé est dans le salon.",
    },
    "daily.error.unknown_post": {
        "en": "This message is not a question of the day.",
        "fr": "Ce message n'est pas une question du jour.",
    },
    "daily.error.empty": {
        "en": "Your answer is empty. Write the items you remember.",
        "fr": "Votre réponse est vide. Écrivez les éléments dont vous vous souvenez.",
    },
    # Replies to the post (message-content intent): feedback by DM.
    "daily.reply.dm_intro": {
        "en": "Your reply in {channel} was graded:",
        "fr": "Votre réponse dans {channel} a été corrigée :",
    },
    "daily.reply.recorded": {
        "en": "{name}, your answer is recorded. I couldn't send you your grade by private message: "
        "use /answer to see it.",
        "fr": "{name}, votre réponse est enregistrée. Je n'ai pas pu vous envoyer votre note en message "
        "privé : utilisez /answer pour la voir.",
    },
    # The reveal.
    "daily.reveal.title": {"en": "Answer key", "fr": "Corrigé"},
    "daily.reveal.item": {"en": "**{n}. {answer}**", "fr": "**{n}. {answer}**"},
    "daily.reveal.item_detail": {"en": "**{n}. {answer}**: {detail}", "fr": "**{n}. {answer}** : {detail}"},
    "daily.reveal.item_rate": {
        "en": "↳ found by {percent} ({hits}/{participants})",
        "fr": "↳ trouvé par {percent} ({hits}/{participants})",
    },
    "daily.reveal.card_removed": {
        "en": "The card of this question was removed from its deck.",
        "fr": "La carte de cette question a été retirée de son paquet.",
    },
    "daily.reveal.class_label": {"en": "The class", "fr": "La classe"},
    "daily.reveal.class": {
        "en": "{participants}, average score {average}",
        "fr": "{participants}, note moyenne {average}",
    },
    "daily.reveal.participants.one": {"en": "{count} participant", "fr": "{count} participant"},
    "daily.reveal.participants.other": {"en": "{count} participants", "fr": "{count} participants"},
    "daily.reveal.nobody": {
        "en": "Nobody answered this time.",
        "fr": "Personne n'a répondu cette fois-ci.",
    },
    "daily.reveal.forgotten_label": {"en": "Most often forgotten", "fr": "Les plus souvent oubliés"},
    "daily.reveal.top_label": {"en": "Top scores", "fr": "Meilleures notes"},
    "daily.reveal.top_row": {
        "en": "{medal} {name}: {percent}, {points}",
        "fr": "{medal} {name} : {percent}, {points}",
    },
    "daily.reveal.someone": {"en": "a former member", "fr": "un ancien membre"},
    "daily.reveal.footer": {
        "en": "Answers are closed. Next question at the usual time.",
        "fr": "Les réponses sont fermées. Prochaine question à l'heure habituelle.",
    },
}
