"""The canonical YAML format (bot/decks/yaml_format.py) and the review file of ``deck convert``."""

MESSAGES: dict[str, dict[str, str]] = {
    # The comments 'tutorbot deck convert' writes at the top of the file (bot/decks/review.py).
    "decks.review.imported": {
        "en": "Imported from {source} by 'tutorbot deck convert'.",
        "fr": "Importé de {source} par « tutorbot deck convert ».",
    },
    "decks.review.warnings": {
        "en": "{count} warning(s) in comments: check each guess, then delete its comment.",
        "fr": "{count} avertissement(s) en commentaire : vérifiez chaque choix, puis effacez son "
        "commentaire.",
    },
    # YAML decks (bot/decks/yaml_format.py). The YAML keys (title, cards, question, items, answer...) are
    # the format's own words: they stay in English in both languages.
    "decks.yaml.invalid": {
        "en": "not valid YAML: {problem}",
        "fr": "ce n'est pas du YAML valide : {problem}",
    },
    "decks.yaml.invalid.hint": {
        "en": "check the indentation and quote text that contains ': '",
        "fr": "vérifiez l'indentation et mettez entre guillemets le texte qui contient un deux-points",
    },
    "decks.yaml.empty": {"en": "the file is empty", "fr": "le fichier est vide"},
    "decks.yaml.empty.hint": {
        "en": "start with 'title:' and 'cards:'",
        "fr": "commencez par « title: » et « cards: »",
    },
    "decks.yaml.not_mapping": {
        "en": "{what} must be a mapping of keys (like 'question: ...')",
        "fr": "{what} doit être une suite de clés (comme « question: ... »)",
    },
    "decks.yaml.not_mapping.hint": {
        "en": "write it as keys and values, each key followed by a colon and a space",
        "fr": "écrivez-le en clés et valeurs, chaque clé suivie d'un deux-points et d'une espace",
    },
    "decks.yaml.unknown_key": {
        "en": "unknown key {key!r} in {what}",
        "fr": "clé « {key} » inconnue dans {what}",
    },
    "decks.yaml.unknown_key.hint": {"en": "allowed keys: {allowed}", "fr": "clés permises : {allowed}"},
    "decks.yaml.duplicate_key": {
        "en": "the key {key!r} appears twice in {what}",
        "fr": "la clé « {key} » apparaît deux fois dans {what}",
    },
    "decks.yaml.duplicate_key.hint": {
        "en": "keep one of the two lines",
        "fr": "gardez une seule des deux lignes",
    },
    "decks.yaml.not_text": {"en": "{what} must be text", "fr": "{what} doit être du texte"},
    "decks.yaml.not_text.hint": {
        "en": "put it on one line, in quotes if it has a colon",
        "fr": "écrivez ce texte sur une seule ligne, entre guillemets s'il contient un deux-points",
    },
    "decks.yaml.empty_text": {"en": "{what} is empty", "fr": "{what} est vide"},
    "decks.yaml.schema": {
        "en": "unsupported schema {schema!r}; this version reads schema {version}",
        "fr": "schéma « {schema} » non pris en charge ; cette version lit le schéma {version}",
    },
    "decks.yaml.empty_text.hint": {
        "en": "write the text after the colon, or remove the line",
        "fr": "écrivez le texte après le deux-points, ou retirez la ligne",
    },
    "decks.yaml.schema.hint": {
        "en": "upgrade the bot, or write 'schema: {version}'",
        "fr": "mettez le bot à jour, ou écrivez « schema: {version} »",
    },
    "decks.yaml.no_title": {"en": "the deck has no 'title'", "fr": "le paquet n'a pas de « title »"},
    "decks.yaml.no_title.hint": {
        "en": "add a line 'title: <name of the course>'",
        "fr": "ajoutez une ligne « title: <nom du cours> »",
    },
    "decks.yaml.unknown_language": {
        "en": "unknown language {language!r}",
        "fr": "langue « {language} » inconnue",
    },
    "decks.yaml.unknown_language.hint": {"en": "use fr or en", "fr": "utilisez fr ou en"},
    "decks.yaml.no_cards": {"en": "the deck has no 'cards'", "fr": "le paquet n'a pas de « cards »"},
    "decks.yaml.no_cards.hint": {
        "en": "add 'cards:' with a list of questions",
        "fr": "ajoutez « cards: » avec une liste de questions",
    },
    "decks.yaml.cards_not_list": {
        "en": "'cards' must be a non-empty list",
        "fr": "« cards » doit être une liste non vide",
    },
    "decks.yaml.cards_not_list.hint": {
        "en": "each card starts with '- question:'",
        "fr": "chaque carte commence par « - question: »",
    },
    "decks.yaml.no_question": {
        "en": "card {card} has no 'question'",
        "fr": "la carte {card} n'a pas de « question »",
    },
    "decks.yaml.no_question.hint": {
        "en": "add 'question: …' to the card",
        "fr": "ajoutez « question: … » à la carte",
    },
    "decks.yaml.no_items": {
        "en": "card {card} ({question!r}) has no items",
        "fr": "la carte {card} (« {question} ») n'a aucun élément",
    },
    "decks.yaml.no_items.hint": {
        "en": "add 'items:' with at least one '- answer: ...'",
        "fr": "ajoutez « items: » avec au moins un « - answer: ... »",
    },
    "decks.yaml.no_answer": {
        "en": "item {item} of card {card} has no 'answer'",
        "fr": "l'élément {item} de la carte {card} n'a pas de « answer »",
    },
    "decks.yaml.no_answer.hint": {
        "en": "the answer is the key a student must name",
        "fr": "la réponse (answer) est ce que l'élève doit nommer",
    },
    "decks.yaml.aliases_not_list": {
        "en": "the aliases of item {item} of card {card} must be a list of text",
        "fr": "les alias de l'élément {item} de la carte {card} doivent être une liste de textes",
    },
    "decks.yaml.aliases_not_list.hint": {
        "en": "write them as a list: 'aliases: [first, second]'",
        "fr": "écrivez-les en liste : « aliases: [premier, second] »",
    },
    "decks.yaml.duplicate_answer": {
        "en": "card {card}: the answer {answer!r} is listed twice",
        "fr": "carte {card} : la réponse « {answer} » figure deux fois",
    },
    "decks.yaml.alias": {
        "en": "YAML anchors and aliases ('&name', '*name') are not allowed in a deck",
        "fr": "les ancres et alias YAML (« &nom », « *nom ») ne sont pas permis dans un paquet",
    },
    "decks.yaml.alias.hint": {
        "en": "write each card and item out in full; a reused card can make a small file expand into "
        "millions of items",
        "fr": "écrivez chaque carte et chaque élément en entier ; une carte réutilisée peut faire d'un petit "
        "fichier des millions d'éléments",
    },
    "decks.yaml.tag": {
        "en": "the YAML tag {tag!r} is not allowed in a deck",
        "fr": "l'étiquette YAML « {tag} » n'est pas permise dans un paquet",
    },
    "decks.yaml.tag.hint": {
        "en": "a deck holds only text: remove the tag (the word after '!' or '!!')",
        "fr": "un paquet ne contient que du texte : retirez l'étiquette (le mot après « ! » ou « !! »)",
    },
    "decks.yaml.too_deep": {
        "en": "the YAML is nested deeper than {limit} levels here; a deck needs 6 at most",
        "fr": "le YAML est imbriqué sur plus de {limit} niveaux ici ; un paquet en demande 6 au plus",
    },
    "decks.yaml.too_deep.hint": {
        "en": "look for stray '[' or '{{' brackets, or a list indented inside a list by mistake",
        "fr": "cherchez des crochets « [ » ou accolades « {{ » en trop, ou une liste indentée par erreur "
        "dans une autre",
    },
    "decks.yaml.key_without_colon": {
        "en": "{what} reads {text!r}: it looks like the key {key!r} without its colon",
        "fr": "{what} se lit « {text} » : on dirait la clé « {key} » sans son deux-points",
    },
    "decks.yaml.key_without_colon.hint": {
        "en": "write '{key}: {rest}', with a space after the colon",
        "fr": "écrivez « {key}: {rest} », avec une espace après le deux-points",
    },
    "decks.yaml.too_long": {
        "en": "{what} is {length} characters long; it may be at most {limit}",
        "fr": "{what} fait {length} caractères ; au plus {limit} sont permis",
    },
    "decks.yaml.too_long.hint": {
        "en": "keep the answer to the words a student must name and put explanations in 'detail'",
        "fr": "gardez dans la réponse les mots que l'élève doit nommer et mettez les explications dans "
        "« detail »",
    },
}
