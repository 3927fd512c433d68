"""Messages of the teacher tools: /stats, /deck import|list|show|export|remove, the hit-rate chart.

Values named ``{file}``, ``{name}``, ``{title}``, ``{question}``, ``{item}`` and ``{error}`` are user text and
arrive escaped (no markdown, no mentions).
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command and option descriptions (Discord: at most 100 characters).
    "teacher.cmd.stats": {
        "en": "Participation, average and what the class forgets, for the last or a chosen question",
        "fr": "Participation, moyenne et ce que la classe oublie, pour la dernière question ou une autre",
    },
    "teacher.cmd.stats.question": {
        "en": "A recent question (default: the last one posted)",
        "fr": "Une question récente (par défaut : la dernière publiée)",
    },
    "teacher.cmd.deck": {"en": "The decks of flashcards", "fr": "Les paquets de cartes"},
    "teacher.cmd.deck.import": {
        "en": "Import a deck from a .txt, .csv or .yaml file, with a preview before saving",
        "fr": "Importer un paquet d'un fichier .txt, .csv ou .yaml, avec un aperçu avant d'enregistrer",
    },
    "teacher.cmd.deck.import.file": {
        "en": "The deck file: course notes (.txt), a spreadsheet (.csv) or YAML",
        "fr": "Le fichier du paquet : notes de cours (.txt), tableur (.csv) ou YAML",
    },
    "teacher.cmd.deck.list": {
        "en": "The decks this server can use",
        "fr": "Les paquets que ce serveur peut utiliser",
    },
    "teacher.cmd.deck.show": {"en": "Show a deck's questions", "fr": "Afficher les questions d'un paquet"},
    "teacher.cmd.deck.export": {
        "en": "Download a deck as a YAML file, to review or edit",
        "fr": "Télécharger un paquet en fichier YAML, pour le relire ou le modifier",
    },
    "teacher.cmd.deck.remove": {
        "en": "Remove one of this server's decks",
        "fr": "Supprimer un paquet de ce serveur",
    },
    "teacher.cmd.deck.name": {
        "en": "The deck's name (see /deck list)",
        "fr": "Le nom du paquet (voir /deck list)",
    },
    # /stats
    "teacher.stats.no_post": {
        "en": "No question has been posted on this server yet, so there are no statistics.",
        "fr": "Aucune question n'a encore été publiée sur ce serveur : il n'y a pas de statistiques.",
    },
    "teacher.stats.unknown_question": {
        "en": "I can't find “{question}” among this server's questions. Pick one from the list as you type.",
        "fr": "Je ne trouve pas « {question} » parmi les questions de ce serveur. "
        "Choisissez-en une dans la liste pendant la saisie.",
    },
    "teacher.stats.title": {"en": "Statistics — {question}", "fr": "Statistiques — {question}"},
    "teacher.stats.removed_question": {
        "en": "(question removed with its deck)",
        "fr": "(question supprimée avec son paquet)",
    },
    "teacher.stats.posted_open": {
        "en": "Posted {posted}, open for answers until {closes}.",
        "fr": "Publiée {posted}, ouverte aux réponses jusqu'à {closes}.",
    },
    "teacher.stats.posted_closed": {
        "en": "Posted {posted}, closed {closes}.",
        "fr": "Publiée {posted}, fermée {closes}.",
    },
    "teacher.stats.participants_label": {"en": "Participants", "fr": "Participants"},
    "teacher.stats.average_label": {"en": "Average score", "fr": "Score moyen"},
    "teacher.stats.items_label": {"en": "Hit rate of each item", "fr": "Taux de réussite par élément"},
    "teacher.stats.item_line": {
        "en": "{rate} — {item} ({hits}/{participants})",
        "fr": "{rate} — {item} ({hits}/{participants})",
    },
    "teacher.stats.item_unknown": {"en": "Item {number}", "fr": "Élément {number}"},
    "teacher.stats.forgotten_label": {
        "en": "What the class keeps forgetting",
        "fr": "Ce que la classe oublie le plus",
    },
    "teacher.stats.nothing_forgotten": {
        "en": "Nothing stands out: at least half of the participants found every item.",
        "fr": "Rien de marquant : au moins la moitié des participants ont trouvé chaque élément.",
    },
    "teacher.stats.top_label": {"en": "Top scorers", "fr": "Meilleurs scores"},
    "teacher.stats.top_line": {"en": "{member} — {score}", "fr": "{member} — {score}"},
    "teacher.stats.no_answers": {
        "en": "Nobody has answered this question yet.",
        "fr": "Personne n'a encore répondu à cette question.",
    },
    "teacher.stats.choice": {"en": "{date} — {question}", "fr": "{date} — {question}"},
    # The hit-rate chart (bot/charts.py).
    "teacher.chart.title": {"en": "Hit rate of each item", "fr": "Taux de réussite par élément"},
    "teacher.chart.x_axis": {
        "en": "Participants who found it (%)",
        "fr": "Participants qui l'ont trouvé (%)",
    },
    # /deck import: problems with the file (nothing is stored).
    "teacher.deck.too_large": {
        "en": "**{file}** is {size} MB; a deck may be at most {limit} MB. "
        "Split the course into several decks. Nothing was saved.",
        "fr": "**{file}** fait {size} Mo ; un paquet peut faire au plus {limit} Mo. "
        "Découpez le cours en plusieurs paquets. Rien n'a été enregistré.",
    },
    "teacher.deck.bad_extension": {
        "en": "**{file}**: I can only import .txt or .md course notes, .csv or .tsv spreadsheets and .yaml "
        "decks. Nothing was saved.",
        "fr": "**{file}** : je ne sais importer que des notes de cours .txt ou .md, des tableurs .csv "
        "ou .tsv et des paquets .yaml. Rien n'a été enregistré.",
    },
    "teacher.deck.invalid": {
        "en": "**{file}**, line {line}, is not a deck I can import: {error}. Nothing was saved.",
        "fr": "**{file}**, ligne {line}, n'est pas un paquet que je peux importer : {error}. "
        "Rien n'a été enregistré.",
    },
    "teacher.deck.invalid_no_line": {
        "en": "**{file}** is not a deck I can import: {error}. Nothing was saved.",
        "fr": "**{file}** n'est pas un paquet que je peux importer : {error}. Rien n'a été enregistré.",
    },
    "teacher.deck.invalid_many": {
        "en": "**{file}** is not a deck I can import. Every problem found, to fix in one go:\n{errors}\n"
        "Nothing was saved.",
        "fr": "**{file}** n'est pas un paquet que je peux importer. Tous les problèmes trouvés, à corriger "
        "d'un coup :\n{errors}\nRien n'a été enregistré.",
    },
    "teacher.deck.download_failed": {
        "en": "I couldn't download **{file}** from Discord. Try again in a moment. Nothing was saved.",
        "fr": "Je n'ai pas pu télécharger **{file}** depuis Discord. Réessayez dans un instant. "
        "Rien n'a été enregistré.",
    },
    # /deck import: the preview.
    "teacher.deck.preview_title": {"en": "Import preview — {title}", "fr": "Aperçu de l'import — {title}"},
    "teacher.deck.preview_intro": {
        "en": "From **{file}**, as the deck “{name}”: {cards}, {items}. Nothing is saved until you confirm.",
        "fr": "Depuis **{file}**, sous le nom « {name} » : {cards}, {items}. "
        "Rien n'est enregistré avant votre confirmation.",
    },
    "teacher.deck.renamed": {
        "en": "The deck's name comes from the file name, in lower-case letters, digits and dashes: “{name}”.",
        "fr": "Le nom du paquet vient du nom du fichier, en minuscules, chiffres et tirets : « {name} ».",
    },
    "teacher.deck.replaces": {
        "en": "This replaces this server's deck “{name}” ({cards}). Scores, history and practice progress "
        "on unchanged questions are kept.",
        "fr": "Ceci remplace le paquet « {name} » de ce serveur ({cards}). Les scores, l'historique et la "
        "progression en pratique des questions inchangées sont conservés.",
    },
    "teacher.deck.shadows_bundled": {
        "en": "A bundled deck is also called “{name}”; this server will use its own.",
        "fr": "Un paquet fourni s'appelle aussi « {name} » ; ce serveur utilisera le sien.",
    },
    "teacher.deck.cards.one": {"en": "{count} card", "fr": "{count} carte"},
    "teacher.deck.cards.other": {"en": "{count} cards", "fr": "{count} cartes"},
    "teacher.deck.items.one": {"en": "{count} item", "fr": "{count} élément"},
    "teacher.deck.items.other": {"en": "{count} items", "fr": "{count} éléments"},
    "teacher.deck.cards_label": {"en": "Cards", "fr": "Cartes"},
    "teacher.deck.card_line": {
        "en": "{number}. {question} — {items}",
        "fr": "{number}. {question} — {items}",
    },
    "teacher.deck.more_cards.one": {"en": "…and {count} more card.", "fr": "…et {count} autre carte."},
    "teacher.deck.more_cards.other": {"en": "…and {count} more cards.", "fr": "…et {count} autres cartes."},
    "teacher.deck.warnings_label": {
        "en": "Warnings to review ({count})",
        "fr": "Avertissements à vérifier ({count})",
    },
    "teacher.deck.warning_line": {"en": "Line {line}: {message}", "fr": "Ligne {line} : {message}"},
    "teacher.deck.warning_card": {
        "en": "**Card {number}** — {question}",
        "fr": "**Carte {number}** — {question}",
    },
    "teacher.deck.more_warnings.one": {
        "en": "…and {count} more warning.",
        "fr": "…et {count} autre avertissement.",
    },
    "teacher.deck.more_warnings.other": {
        "en": "…and {count} more warnings.",
        "fr": "…et {count} autres avertissements.",
    },
    "teacher.deck.no_warnings": {
        "en": "None: the importer had nothing to guess.",
        "fr": "Aucun : l'importateur n'a rien eu à deviner.",
    },
    "teacher.deck.language_label": {"en": "Language", "fr": "Langue"},
    "teacher.deck.language.fr": {"en": "French", "fr": "français"},
    "teacher.deck.language.en": {"en": "English", "fr": "anglais"},
    "teacher.deck.save": {"en": "Save the deck", "fr": "Enregistrer le paquet"},
    "teacher.deck.imported": {
        "en": "Deck “{name}” saved: {cards}. Use it with /tutor setup, /practice or /quiz.",
        "fr": "Paquet « {name} » enregistré : {cards}. Utilisez-le avec /tutor setup, /practice ou /quiz.",
    },
    "teacher.deck.imported_active": {
        "en": "Deck “{name}” saved: {cards}. It is this server's active deck: the next questions come from "
        "the new version.",
        "fr": "Paquet « {name} » enregistré : {cards}. C'est le paquet actif de ce serveur : les prochaines "
        "questions viennent de la nouvelle version.",
    },
    "teacher.deck.expired": {
        "en": "This preview expired; nothing was saved. Run the command again.",
        "fr": "Cet aperçu a expiré ; rien n'a été enregistré. Relancez la commande.",
    },
    # Deck names typed by a member.
    "teacher.deck.bad_name": {
        "en": "“{name}” is not a deck name: deck names have no markdown, mentions or emoji, only letters, "
        "digits, spaces and dashes. See /deck list.",
        "fr": "« {name} » n'est pas un nom de paquet : un nom de paquet n'a ni markdown, ni mention, ni "
        "émoji, seulement des lettres, des chiffres, des espaces et des tirets. Voyez /deck list.",
    },
    # /deck list
    "teacher.deck.list_title": {"en": "Decks", "fr": "Paquets"},
    "teacher.deck.list_server": {"en": "This server's decks", "fr": "Les paquets de ce serveur"},
    "teacher.deck.list_bundled": {"en": "Bundled decks", "fr": "Les paquets fournis"},
    "teacher.deck.list_line": {"en": "“{name}” — {title} ({cards})", "fr": "« {name} » — {title} ({cards})"},
    "teacher.deck.list_active": {"en": "{line} ✅ active", "fr": "{line} ✅ actif"},
    "teacher.deck.list_none": {
        "en": "None yet. A teacher can add one with /deck import.",
        "fr": "Aucun pour l'instant. Un enseignant peut en ajouter un avec /deck import.",
    },
    "teacher.deck.list_more.one": {"en": "…and {count} more deck.", "fr": "…et {count} autre paquet."},
    "teacher.deck.list_more.other": {"en": "…and {count} more decks.", "fr": "…et {count} autres paquets."},
    # /deck show
    "teacher.deck.show_bundled": {
        "en": "Bundled deck “{name}” · {cards} · {language}",
        "fr": "Paquet fourni « {name} » · {cards} · {language}",
    },
    "teacher.deck.show_server": {
        "en": "This server's deck “{name}” · {cards} · {language}",
        "fr": "Paquet « {name} » de ce serveur · {cards} · {language}",
    },
    "teacher.deck.show_answers_hidden": {
        "en": "Only teachers see the answers.",
        "fr": "Seuls les enseignants voient les réponses.",
    },
    "teacher.deck.show_more.one": {
        "en": "…and {count} more card: /deck export gives the whole deck.",
        "fr": "…et {count} autre carte : /deck export donne le paquet entier.",
    },
    "teacher.deck.show_more.other": {
        "en": "…and {count} more cards: /deck export gives the whole deck.",
        "fr": "…et {count} autres cartes : /deck export donne le paquet entier.",
    },
    # /deck export
    "teacher.deck.exported": {
        "en": "The deck “{name}” as YAML ({cards}). Edit it, then import it again with /deck import.",
        "fr": "Le paquet « {name} » en YAML ({cards}). Modifiez-le, puis réimportez-le avec /deck import.",
    },
    # /deck remove
    "teacher.deck.remove_confirm": {
        "en": "Remove the deck “{name}” ({cards})? Practice progress on its cards goes with it; points "
        "already earned are kept.",
        "fr": "Supprimer le paquet « {name} » ({cards}) ? La progression en pratique sur ses cartes part "
        "avec lui ; les points déjà gagnés sont conservés.",
    },
    "teacher.deck.remove_button": {"en": "Remove", "fr": "Supprimer"},
    "teacher.deck.removed": {"en": "Deck “{name}” removed.", "fr": "Paquet « {name} » supprimé."},
    "teacher.deck.remove_active": {
        "en": "“{name}” is this server's active deck, so it can't be removed. Choose another deck with "
        "/tutor setup first. Nothing was changed.",
        "fr": "« {name} » est le paquet actif de ce serveur : il ne peut pas être supprimé. Choisissez "
        "d'abord un autre paquet avec /tutor setup. Rien n'a été modifié.",
    },
    "teacher.deck.remove_bundled": {
        "en": "“{name}” is a bundled deck, shared by every server; it can't be removed from here.",
        "fr": "« {name} » est un paquet fourni, partagé par tous les serveurs ; il ne peut pas être "
        "supprimé d'ici.",
    },
    # /deck edit, /deck add-card, /deck remove-card (issue 10, "Editing in Discord").
    "teacher.cmd.deck.edit": {
        "en": "Edit a card of one of this server's decks",
        "fr": "Modifier une carte d'un paquet de ce serveur",
    },
    "teacher.cmd.deck.add_card": {
        "en": "Add a card to one of this server's decks",
        "fr": "Ajouter une carte à un paquet de ce serveur",
    },
    "teacher.cmd.deck.remove_card": {
        "en": "Remove a card from one of this server's decks",
        "fr": "Retirer une carte d'un paquet de ce serveur",
    },
    "teacher.cmd.deck.card": {
        "en": "The card (pick it from the list as you type)",
        "fr": "La carte (choisissez-la dans la liste pendant la saisie)",
    },
    "teacher.form.title_edit": {"en": "Card {number} — {name}", "fr": "Carte {number} — {name}"},
    "teacher.form.title_add": {"en": "New card — {name}", "fr": "Nouvelle carte — {name}"},
    "teacher.form.question_label": {"en": "Question", "fr": "Question"},
    "teacher.form.question_placeholder": {
        "en": "What are the 4 strengths of a digital identity?",
        "fr": "Quelles sont les 4 forces de l'identité numérique ?",
    },
    "teacher.form.items_label": {
        "en": "Items: answer: detail | alias, alias",
        "fr": "Éléments : réponse: détail | alias, alias",
    },
    "teacher.form.items_placeholder": {
        "en": "Connection: linking to your world | connections\nProof\nConsistency",
        "fr": "Connexion: se connecter à son univers | connexions\nPreuve\nCohérence",
    },
    "teacher.form.syntax": {"en": "answer: detail | alias, alias", "fr": "réponse: détail | alias, alias"},
    "teacher.form.invalid": {
        "en": "Nothing was saved: the form needs these fixes (the button opens it again with your text):",
        "fr": "Rien n'a été enregistré : le formulaire demande ces corrections (le bouton le rouvre avec "
        "votre texte) :",
    },
    "teacher.form.no_question": {
        "en": "The question is empty: write the question the class will answer.",
        "fr": "La question est vide : écrivez la question à laquelle la classe répondra.",
    },
    "teacher.form.no_items": {
        "en": "There are no items: write one item a line, as `{syntax}`.",
        "fr": "Il n'y a aucun élément : écrivez un élément par ligne, comme `{syntax}`.",
    },
    "teacher.form.no_answer": {
        "en": "Line {line} of the items, “{text}”, has no answer before its colon or bar: write the answer "
        "first, as `{syntax}`.",
        "fr": "La ligne {line} des éléments, « {text} », n'a pas de réponse avant son deux-points ou sa "
        "barre : écrivez d'abord la réponse, comme `{syntax}`.",
    },
    "teacher.form.duplicate": {
        "en": "Line {line} of the items names “{answer}” again (already on line {first}): keep one line, and "
        "write other wordings after a bar, as aliases: `{answer} | another wording`.",
        "fr": "La ligne {line} des éléments redonne « {answer} » (déjà à la ligne {first}) : gardez une "
        "ligne, et écrivez les autres formulations après une barre, comme alias : "
        "`{answer} | autre formulation`.",
    },
    "teacher.form.too_long_question": {
        "en": "The question has {size} characters; a card's question has at most {limit}.",
        "fr": "La question fait {size} caractères ; la question d'une carte en a au plus {limit}.",
    },
    "teacher.form.too_long_items": {
        "en": "The items have {size} characters; the form holds at most {limit}. Split the card in two, or "
        "edit the deck's YAML (/deck export, then /deck import).",
        "fr": "Les éléments font {size} caractères ; le formulaire en contient au plus {limit}. Coupez la "
        "carte en deux, ou modifiez le YAML du paquet (/deck export, puis /deck import).",
    },
    "teacher.form.fix_button": {"en": "Fix the form", "fr": "Corriger le formulaire"},
    "teacher.form.too_long": {
        "en": "Card {number} of “{name}” is too long for Discord's form (4,000 characters a box). Edit it in "
        "the YAML instead: /deck export, then /deck import.",
        "fr": "La carte {number} de « {name} » est trop longue pour le formulaire de Discord (4 000 "
        "caractères par case). Modifiez-la plutôt dans le YAML : /deck export, puis /deck import.",
    },
    "teacher.edit.bundled": {
        "en": "“{name}” is a bundled deck, shared by every server, so it can't be edited here. Make your own "
        "copy: /deck export {name}, then /deck import the file, and edit that one (if the class uses this "
        "deck, choose your copy with /tutor setup).",
        "fr": "« {name} » est un paquet fourni, partagé par tous les serveurs : il ne peut pas être modifié "
        "ici. Faites-en votre copie : /deck export {name}, puis /deck import du fichier, et modifiez "
        "celle-ci (si la classe utilise ce paquet, choisissez votre copie avec /tutor setup).",
    },
    "teacher.edit.unknown_card": {
        "en": "I can't find the card “{card}” in “{name}”. Pick one from the list as you type, or give its "
        "number (see /deck show).",
        "fr": "Je ne trouve pas la carte « {card} » dans « {name} ». Choisissez-en une dans la liste pendant "
        "la saisie, ou donnez son numéro (voir /deck show).",
    },
    "teacher.edit.card_gone": {
        "en": "This card is no longer in the deck “{name}” (removed or re-imported meanwhile). Nothing was "
        "saved.",
        "fr": "Cette carte n'est plus dans le paquet « {name} » (retirée ou réimportée entre-temps). "
        "Rien n'a été enregistré.",
    },
    "teacher.edit.deck_gone": {
        "en": "This deck was removed meanwhile. Nothing was saved.",
        "fr": "Ce paquet a été supprimé entre-temps. Rien n'a été enregistré.",
    },
    "teacher.edit.changed": {
        "en": "Someone saved card {number} of “{name}” while you were editing it, so nothing of yours was "
        "saved: their version stays. The button opens the form again with your text; saving it then "
        "replaces their version.",
        "fr": "Quelqu'un a enregistré la carte {number} de « {name} » pendant que vous la modifiiez : "
        "rien de votre version n'a été enregistré, la sienne reste. Le bouton rouvre le formulaire avec "
        "votre texte ; l'enregistrer remplacera alors sa version.",
    },
    "teacher.edit.changed_button": {"en": "Open my text again", "fr": "Rouvrir mon texte"},
    "teacher.edit.saved": {
        "en": "Card {number} of “{name}” saved: {question} — {items}.",
        "fr": "Carte {number} de « {name} » enregistrée : {question} — {items}.",
    },
    "teacher.edit.added": {
        "en": "Card {number} added to “{name}”: {question} — {items}.",
        "fr": "Carte {number} ajoutée à « {name} » : {question} — {items}.",
    },
    "teacher.edit.active_note": {
        "en": "It is this server's active deck: the next posts use the new text. Answers already given keep "
        "their grade and points.",
        "fr": "C'est le paquet actif de ce serveur : les prochaines publications utilisent le nouveau texte. "
        "Les réponses déjà données gardent leur note et leurs points.",
    },
    "teacher.edit.open_note": {
        "en": "It is the open question: answers from now on are graded with these items; answers already "
        "given keep their grade.",
        "fr": "C'est la question ouverte : les réponses à partir de maintenant sont notées avec ces "
        "éléments ; les réponses déjà données gardent leur note.",
    },
    "teacher.edit.remove_confirm": {
        "en": "Remove card {number} of “{name}”: {question}? Points and answers already earned on it are "
        "kept.",
        "fr": "Retirer la carte {number} de « {name} » : {question} ? Les points et les réponses déjà donnés "
        "sont conservés.",
    },
    "teacher.edit.remove_button": {"en": "Remove the card", "fr": "Retirer la carte"},
    "teacher.edit.removed": {
        "en": "Card “{question}” removed from “{name}”, which now has {cards}.",
        "fr": "Carte « {question} » retirée de « {name} », qui a maintenant {cards}.",
    },
    "teacher.edit.last_card": {
        "en": "“{question}” is the only card of “{name}”, and a deck needs at least one. Add another card "
        "first, or remove the whole deck with /deck remove. Nothing was changed.",
        "fr": "« {question} » est la seule carte de « {name} », et un paquet en demande au moins une. "
        "Ajoutez d'abord une autre carte, ou supprimez le paquet avec /deck remove. Rien n'a été modifié.",
    },
    "teacher.edit.expired": {
        "en": "These buttons expired; nothing was changed. Run the command again.",
        "fr": "Ces boutons ont expiré ; rien n'a été modifié. Relancez la commande.",
    },
    "teacher.edit.card_choice": {"en": "{number}. {question}", "fr": "{number}. {question}"},
    # The teacher closes the loop: what the class typed that earned nothing, accepted as an alias of an item
    # (/stats), every stored answer to the card re-graded, members told once. {phrase} and {alias} are what
    # the class typed, {item} an item's key, {question} a card's question: user text, escaped.
    "teacher.stats.unmatched_label": {
        "en": "Typed by the class, earned nothing",
        "fr": "Tapé par la classe, sans rien rapporter",
    },
    "teacher.stats.unmatched_line": {"en": "“{phrase}” ×{count}", "fr": "« {phrase} » ×{count}"},
    "teacher.stats.unmatched_none": {
        "en": "Every part of the answers earned something, or named nothing worth an alias.",
        "fr": "Chaque partie des réponses a rapporté quelque chose, ou ne nommait rien qui vaille un alias.",
    },
    "teacher.stats.unmatched_hint": {
        "en": "Accept one of them as an alias of an item below: every answer to this question is re-graded.",
        "fr": "Acceptez-en une comme alias d'un élément ci-dessous : toutes les réponses à cette question "
        "sont alors corrigées à nouveau.",
    },
    "teacher.stats.taught_label": {
        "en": "Aliases accepted for this question",
        "fr": "Alias acceptés pour cette question",
    },
    "teacher.stats.taught_line": {"en": "“{alias}” → {item}", "fr": "« {alias} » → {item}"},
    "teacher.alias.pick_phrase": {
        "en": "Accept what the class typed as an alias…",
        "fr": "Accepter ce que la classe a tapé comme alias…",
    },
    "teacher.alias.pick_removal": {
        "en": "Remove an accepted alias…",
        "fr": "Retirer un alias accepté…",
    },
    "teacher.alias.pick_item": {
        "en": "The item it names…",
        "fr": "L'élément qu'il désigne…",
    },
    "teacher.alias.choose_item": {
        "en": "Which item does “{phrase}” name? Every stored answer to this question will be re-graded.",
        "fr": "Quel élément « {phrase} » désigne-t-il ? Toutes les réponses enregistrées à cette question "
        "seront corrigées à nouveau.",
    },
    "teacher.alias.accepted": {
        "en": "“{alias}” now counts for **{item}**. {regraded}: {raised} went up.",
        "fr": "« {alias} » compte maintenant pour **{item}**. {regraded} : {raised} en hausse.",
    },
    "teacher.alias.already": {
        "en": "“{alias}” already counts for **{item}**: nothing was re-graded.",
        "fr": "« {alias} » compte déjà pour **{item}** : rien n'a été corrigé à nouveau.",
    },
    "teacher.alias.removed": {
        "en": "“{alias}” no longer counts for **{item}**. {regraded}: {lowered} went down.",
        "fr": "« {alias} » ne compte plus pour **{item}**. {regraded} : {lowered} en baisse.",
    },
    "teacher.alias.not_there": {
        "en": "“{alias}” had already been removed: nothing was re-graded.",
        "fr": "« {alias} » avait déjà été retiré : rien n'a été corrigé à nouveau.",
    },
    "teacher.alias.regraded.one": {
        "en": "{count} answer re-graded",
        "fr": "{count} réponse corrigée à nouveau",
    },
    "teacher.alias.regraded.other": {
        "en": "{count} answers re-graded",
        "fr": "{count} réponses corrigées à nouveau",
    },
    "teacher.alias.unknown_item": {
        "en": "That item or alias is no longer on this question's card (was the deck changed?). "
        "Run /stats again.",
        "fr": "Cet élément ou cet alias n'est plus sur la carte de cette question "
        "(le paquet a-t-il changé ?). Relancez /stats.",
    },
    "teacher.alias.card_removed": {
        "en": "This question's card was removed with its deck: there is nothing to re-grade.",
        "fr": "La carte de cette question a été supprimée avec son paquet : il n'y a rien à corriger.",
    },
    "teacher.alias.bad_phrase": {
        "en": "“{phrase}” can't be an alias: an alias has 1 to 200 characters.",
        "fr": "« {phrase} » ne peut pas être un alias : un alias a de 1 à 200 caractères.",
    },
    "teacher.regrade.notice": {
        "en": "Your answer to “{question}” was re-graded by your teacher: {old} → {new}.",
        "fr": "Votre réponse à « {question} » a été corrigée à nouveau par votre enseignant : {old} → {new}.",
    },
    "teacher.deck.taught_label": {
        "en": "Aliases accepted by this server's teachers",
        "fr": "Alias acceptés par les enseignants de ce serveur",
    },
    "teacher.deck.taught_line": {"en": "{number}. {item}: {aliases}", "fr": "{number}. {item} : {aliases}"},
}
