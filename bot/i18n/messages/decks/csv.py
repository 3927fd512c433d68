"""Spreadsheets and Anki exports (bot/decks/csv_import.py)."""

MESSAGES: dict[str, dict[str, str]] = {
    # Spreadsheets (bot/decks/csv_import.py).
    "decks.csv.no_answers": {
        "en": "this row has a question but no answers column",
        "fr": "cette ligne a une question, mais pas de colonne de réponses",
    },
    "decks.csv.no_answers.hint": {
        "en": "write the answers in the second column, separated by '|'",
        "fr": "écrivez les réponses dans la deuxième colonne, séparées par « | »",
    },
    "decks.csv.no_question": {
        "en": "this row has answers but no question",
        "fr": "cette ligne a des réponses, mais pas de question",
    },
    "decks.csv.no_question.hint": {
        "en": "write the question in the first column",
        "fr": "écrivez la question dans la première colonne",
    },
    "decks.csv.empty_answers": {
        "en": "the answers cell is empty",
        "fr": "la cellule des réponses est vide",
    },
    "decks.csv.empty_answers.hint": {
        "en": "write the answers after the question, separated by '|' or one a column",
        "fr": "écrivez les réponses après la question, séparées par « | » ou une par colonne",
    },
    "decks.csv.unreadable": {
        "en": "not a readable CSV file: {reason}",
        "fr": "ce fichier CSV est illisible : {reason}",
    },
    "decks.csv.unreadable.hint": {
        "en": "check the quotes: a cell that starts with a quote must end with one",
        "fr": "vérifiez les guillemets : une cellule qui commence par un guillemet doit finir par un",
    },
    "decks.csv.no_question_found": {"en": "no question found", "fr": "aucune question trouvée"},
    "decks.csv.no_question_found.hint": {
        "en": "one card a row: question, then answers",
        "fr": "une carte par ligne : la question, puis les réponses",
    },
    "decks.csv.extra_columns": {
        "en": "columns after the second are ignored",
        "fr": "les colonnes après la deuxième sont ignorées",
    },
    "decks.csv.continued_row": {
        "en": "this row has no question: its answers were added to the card of line {card_line}; if it is a "
        "new card, write its question in the first column",
        "fr": "cette ligne n'a pas de question : ses réponses ont été ajoutées à la carte de la ligne "
        "{card_line} ; si c'est une nouvelle carte, écrivez sa question dans la première colonne",
    },
    "decks.csv.commas_kept": {
        "en": "the cell {text!r} has commas but the rest of the file does not separate answers with "
        "commas: kept as one answer; to make several, separate them with '|'",
        "fr": "la cellule « {text} » contient des virgules, mais le reste du fichier ne sépare pas les "
        "réponses par des virgules : gardée comme une seule réponse ; pour en faire plusieurs, "
        "séparez-les par « | »",
    },
    "decks.csv.commas_split": {
        "en": "the answers are separated by commas throughout the file ({count} cells): split at the "
        "commas; to keep a comma inside an answer, separate the answers with '|' instead",
        "fr": "les réponses sont séparées par des virgules dans tout le fichier ({count} cellules) : "
        "découpées aux virgules ; pour garder une virgule dans une réponse, séparez plutôt les "
        "réponses par « | »",
    },
    "decks.csv.cloze": {
        "en": "cloze cards: the hidden words ({{{{c1::…}}}}) are the answers, and the sentence with gaps "
        "the question",
        "fr": "cartes à trous : les mots cachés ({{{{c1::…}}}}) sont les réponses, et la phrase à trous la "
        "question",
    },
    "decks.csv.ignored_columns": {
        "en": "columns ignored: {columns}",
        "fr": "colonnes ignorées : {columns}",
    },
    "decks.csv.detail_needs_one_answer": {
        "en": "the detail and aliases columns were ignored: this row has several answers",
        "fr": "les colonnes de détail et d'alias ont été ignorées : cette ligne a plusieurs réponses",
    },
}
