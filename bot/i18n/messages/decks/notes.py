"""Course notes (bot/decks/text_import.py): what the importer guessed, and notes that are no deck."""

MESSAGES: dict[str, dict[str, str]] = {
    # Course notes (bot/decks/text_import.py).
    "decks.text.no_text": {"en": "the file has no text", "fr": "le fichier ne contient aucun texte"},
    "decks.text.answer_first": {
        "en": "an answer comes before any question",
        "fr": "une réponse vient avant toute question",
    },
    "decks.text.no_text.hint": {
        "en": "write a question, then its answers below it",
        "fr": "écrivez une question, puis ses réponses en dessous",
    },
    "decks.text.answer_first.hint": {
        "en": "put the question on the line above the answers",
        "fr": "mettez la question sur la ligne au-dessus des réponses",
    },
    "decks.text.no_answers": {
        "en": "the question {question!r} has no answers",
        "fr": "la question « {question} » n'a aucune réponse",
    },
    "decks.text.no_answers.hint": {
        "en": "write its answers below it, one per line, or remove the question",
        "fr": "écrivez ses réponses en dessous, une par ligne, ou retirez la question",
    },
    "decks.text.no_question_found": {"en": "no question found", "fr": "aucune question trouvée"},
    "decks.text.no_question_found.hint": {
        "en": "a question is a line ending with '?' or ':', followed by its answers",
        "fr": "une question est une ligne qui se termine par « ? » ou « : », suivie de ses réponses",
    },
    "decks.text.note_kept": {
        "en": "note kept out of the answers: {note!r}",
        "fr": "note laissée hors des réponses : « {note} »",
    },
    "decks.text.glued_bullet": {
        "en": "a bullet glued to the line was split off",
        "fr": "une puce collée à la ligne en a été séparée",
    },
    "decks.text.glued_bullet_text": {
        "en": "a bullet glued to the line was split off: {text!r}",
        "fr": "une puce collée à la ligne en a été séparée : « {text} »",
    },
    "decks.text.heading_question": {
        "en": "a heading over a list read as a question: {text!r}",
        "fr": "un titre au-dessus d'une liste a été lu comme une question : « {text} »",
    },
    "decks.text.instruction_question": {
        "en": "{text!r} read as a new question because it starts with {verb!r}; if it is an answer of the "
        "card above, write it as a bullet ('- …')",
        "fr": "« {text} » lu comme une nouvelle question parce qu'il commence par « {verb} » ; si c'est une "
        "réponse de la carte au-dessus, écrivez-le en puce (« - … »)",
    },
    "decks.text.unmarked_question": {
        "en": "{text!r} read as a question although it has no '?'; if it is an answer, write it as a bullet "
        "('- …')",
        "fr": "« {text} » lu comme une question bien qu'il n'ait pas de « ? » ; si c'est une réponse, "
        "écrivez-le en puce (« - … »)",
    },
    "decks.text.section_heading": {
        "en": "{text!r} read as a section title, not a question, since another heading or question follows "
        "it; to make it a question, write its answers below it",
        "fr": "« {text} » lu comme un titre de section, pas comme une question, car un autre titre ou une "
        "question le suit ; pour en faire une question, écrivez ses réponses en dessous",
    },
    "decks.text.sub_bullets_folded": {
        "en": "{count} deeper line(s) under {answer!r} folded into its detail; to make them answers of "
        "their own, write them at the level of the other bullets",
        "fr": "{count} ligne(s) en retrait sous « {answer} » ajoutée(s) à son détail ; pour en faire des "
        "réponses à part entière, écrivez-les au niveau des autres puces",
    },
    "decks.text.answer_commas": {
        "en": "the answer line was read as {count} answers separated by commas; if it is one answer, put "
        "its explanation after a colon ('Answer: detail')",
        "fr": "la ligne de réponse a été lue comme {count} réponses séparées par des virgules ; si c'est une "
        "seule réponse, mettez son explication après un deux-points (« Réponse : détail »)",
    },
    "decks.text.bullet_question": {
        "en": "the bullet {text!r} read as a question, as deeper bullets follow it; to make it an answer, "
        "write a question above it",
        "fr": "la puce « {text} » lue comme une question, car des puces en retrait la suivent ; pour en "
        "faire une réponse, écrivez une question au-dessus",
    },
    "decks.text.text_before": {
        "en": "text before the first question ignored: {text!r}",
        "fr": "texte avant la première question ignoré : « {text} »",
    },
    "decks.text.text_after_list": {
        "en": "text after a bullet list kept as a note: {text!r}",
        "fr": "texte après une liste à puces gardé comme note : « {text} »",
    },
    "decks.text.read_as_list": {
        "en": "'{text}…' read as a list: {head!r} and {count} items; review it",
        "fr": "« {text}… » lu comme une liste : « {head} » et {count} éléments ; à vérifier",
    },
    "decks.text.count_mismatch": {
        "en": "the question announces {expected} answers but {found} were found",
        "fr": "la question annonce {expected} réponses, mais j'en trouve {found}",
    },
    "decks.text.singular_question": {
        "en": "the question asks for one thing but {lines} lines follow; "
        "check which one is the answer and which are details",
        "fr": "la question demande une seule chose, mais {lines} lignes suivent ; "
        "vérifiez laquelle est la réponse et lesquelles sont des détails",
    },
    "decks.text.duplicate_answer": {
        "en": "the answer {answer!r} is listed twice",
        "fr": "la réponse « {answer} » figure deux fois",
    },
}
