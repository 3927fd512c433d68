"""Messages of the deck importers: why a file is not a deck (``DeckError``), what to review (``DeckWarning``).

A key's ``.hint`` entry, when there is one, says how to fix the problem; ``describe(lang)`` shows it in
parentheses after the message. They are fragments, lower-case, shown after ``file:line:`` on the command line
and inside a sentence of ``bot/i18n/messages/teacher.py`` on Discord.

Values named ``{question}``, ``{answer}``, ``{text}``, ``{note}``, ``{head}``, ``{key}``, ``{suffix}``,
``{schema}``, ``{language}``, ``{allowed}``, ``{problem}`` and ``{reason}`` are user text or a library's
explanation: shown as they are, never translated (English writes them with ``!r``, as Python quotes them).
``{what}`` is one of the ``decks.what.*`` phrases, translated with the message.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Reading the bytes (bot/decks/source.py), for every format.
    "decks.source.too_large": {
        "en": "the file is {size} MB; a deck may be at most {limit} kB",
        "fr": "le fichier fait {size} Mo ; un paquet peut faire au plus {limit} ko",
    },
    "decks.source.too_large.hint": {
        "en": "split the course into several decks",
        "fr": "découpez le cours en plusieurs paquets",
    },
    "decks.source.binary": {
        "en": "this is a binary file, not a text deck",
        "fr": "c'est un fichier binaire, pas un paquet en texte",
    },
    "decks.source.binary.hint": {
        "en": "export the notes as plain text (.txt), CSV or YAML",
        "fr": "exportez les notes en texte brut (.txt), en CSV ou en YAML",
    },
    "decks.source.not_utf8": {
        "en": "the file is not UTF-8 text",
        "fr": "le fichier n'est pas du texte UTF-8",
    },
    "decks.source.not_utf8.hint": {
        "en": "save it again as UTF-8 (most editors offer it in 'Save as')",
        "fr": "enregistrez-le de nouveau en UTF-8 (la plupart des éditeurs le proposent dans "
        "« Enregistrer sous »)",
    },
    "decks.source.empty": {"en": "the file is empty", "fr": "le fichier est vide"},
    "decks.source.empty.hint": {
        "en": "write a question, then its answers below it",
        "fr": "écrivez une question, puis ses réponses en dessous",
    },
    "decks.source.control_characters": {
        "en": "the file is full of control characters; it is not a text deck",
        "fr": "le fichier est plein de caractères de contrôle : ce n'est pas un paquet en texte",
    },
    "decks.source.control_characters.hint": {
        "en": "export the notes as plain text (.txt), CSV or YAML",
        "fr": "exportez les notes en texte brut (.txt), en CSV ou en YAML",
    },
    "decks.source.control_removed": {
        "en": "{count} invisible control character(s) removed",
        "fr": "{count} caractère(s) de contrôle invisible(s) retiré(s)",
    },
    "decks.source.bidi_removed": {
        "en": "characters that reverse the text on screen were removed",
        "fr": "des caractères qui inversent l'affichage du texte ont été retirés",
    },
    "decks.source.encoding": {
        "en": "the file is not UTF-8; it was read as {encoding}: check that the accents are right",
        "fr": "le fichier n'est pas en UTF-8 ; il a été lu en {encoding} : vérifiez que les accents "
        "sont bons",
    },
    "decks.source.bad_unicode": {
        "en": "the file says it is {encoding} but is not valid {encoding}",
        "fr": "le fichier se dit en {encoding}, mais n'est pas du {encoding} valide",
    },
    "decks.source.bad_unicode.hint": {
        "en": "save it again as UTF-8 (most editors offer it in 'Save as')",
        "fr": "enregistrez-le de nouveau en UTF-8 (la plupart des éditeurs le proposent dans "
        "« Enregistrer sous »)",
    },
    # Binary files, named by what they are, with what to export instead.
    "decks.source.image": {
        "en": "this is an image, not a text deck; the bot does not read pictures",
        "fr": "c'est une image, pas un paquet en texte ; le bot ne lit pas les images",
    },
    "decks.source.image.hint": {
        "en": "type or paste the questions and answers into a .txt file",
        "fr": "tapez ou collez les questions et les réponses dans un fichier .txt",
    },
    "decks.source.pdf": {
        "en": "this is a PDF document, not a text deck",
        "fr": "c'est un document PDF, pas un paquet en texte",
    },
    "decks.source.pdf.hint": {
        "en": "export the notes from the program that made the PDF as plain text (.txt), "
        "or copy the text into a .txt file",
        "fr": "exportez les notes en texte brut (.txt) depuis le logiciel qui a fait le PDF, "
        "ou copiez le texte dans un fichier .txt",
    },
    "decks.source.word": {
        "en": "this is a Word document (.docx), not a text deck",
        "fr": "c'est un document Word (.docx), pas un paquet en texte",
    },
    "decks.source.word.hint": {
        "en": "in Word: File > Save As > Plain Text (.txt); in Google Docs: File > Download > Plain text",
        "fr": "dans Word : Fichier > Enregistrer sous > Texte brut (.txt) ; dans Google Docs : "
        "Fichier > Télécharger > Texte brut",
    },
    "decks.source.excel": {
        "en": "this is an Excel workbook (.xlsx), not a text deck",
        "fr": "c'est un classeur Excel (.xlsx), pas un paquet en texte",
    },
    "decks.source.excel.hint": {
        "en": "in Excel: File > Save As > CSV UTF-8; in Google Sheets: File > Download > CSV",
        "fr": "dans Excel : Fichier > Enregistrer sous > CSV UTF-8 ; dans Google Sheets : "
        "Fichier > Télécharger > CSV",
    },
    "decks.source.powerpoint": {
        "en": "this is a PowerPoint presentation (.pptx), not a text deck",
        "fr": "c'est une présentation PowerPoint (.pptx), pas un paquet en texte",
    },
    "decks.source.powerpoint.hint": {
        "en": "copy the questions and answers into a .txt file (the outline view gives the text)",
        "fr": "copiez les questions et les réponses dans un fichier .txt (le mode plan donne le texte)",
    },
    "decks.source.opendocument": {
        "en": "this is a LibreOffice document (.odt), not a text deck",
        "fr": "c'est un document LibreOffice (.odt), pas un paquet en texte",
    },
    "decks.source.opendocument.hint": {
        "en": "in LibreOffice: File > Save As > Text (.txt)",
        "fr": "dans LibreOffice : Fichier > Enregistrer sous > Texte (.txt)",
    },
    "decks.source.spreadsheet_odf": {
        "en": "this is a LibreOffice spreadsheet (.ods), not a text deck",
        "fr": "c'est un classeur LibreOffice (.ods), pas un paquet en texte",
    },
    "decks.source.spreadsheet_odf.hint": {
        "en": "in LibreOffice: File > Save As > Text CSV (.csv), UTF-8",
        "fr": "dans LibreOffice : Fichier > Enregistrer sous > Texte CSV (.csv), en UTF-8",
    },
    "decks.source.old_office": {
        "en": "this is an old Word or Excel file (.doc, .xls), not a text deck",
        "fr": "c'est un ancien fichier Word ou Excel (.doc, .xls), pas un paquet en texte",
    },
    "decks.source.old_office.hint": {
        "en": "save it as plain text (.txt) from Word, or as CSV UTF-8 from Excel",
        "fr": "enregistrez-le en texte brut (.txt) depuis Word, ou en CSV UTF-8 depuis Excel",
    },
    "decks.source.rtf": {
        "en": "this is a rich-text document (.rtf), not plain text",
        "fr": "c'est un document en texte enrichi (.rtf), pas du texte brut",
    },
    "decks.source.rtf.hint": {
        "en": "save it as plain text (.txt) instead",
        "fr": "enregistrez-le plutôt en texte brut (.txt)",
    },
    "decks.source.anki_package": {
        "en": "this is an Anki package (.apkg or collection), not a text deck",
        "fr": "c'est un paquet Anki (.apkg ou collection), pas un paquet en texte",
    },
    "decks.source.anki_package.hint": {
        "en": "in Anki: File > Export > Notes in Plain Text (.txt)",
        "fr": "dans Anki : Fichier > Exporter > Notes en texte brut (.txt)",
    },
    "decks.source.zip": {
        "en": "this is a zip archive, not a text deck",
        "fr": "c'est une archive zip, pas un paquet en texte",
    },
    "decks.source.zip.hint": {
        "en": "unzip it and send the deck file that is inside",
        "fr": "décompressez-la et envoyez le fichier du paquet qu'elle contient",
    },
    "decks.source.archive": {
        "en": "this is a compressed archive, not a text deck",
        "fr": "c'est une archive compressée, pas un paquet en texte",
    },
    "decks.source.archive.hint": {
        "en": "unpack it and send the deck file that is inside",
        "fr": "décompressez-la et envoyez le fichier du paquet qu'elle contient",
    },
    "decks.source.program": {
        "en": "this is a program, not a text deck",
        "fr": "c'est un programme, pas un paquet en texte",
    },
    "decks.source.program.hint": {
        "en": "send the notes as plain text (.txt), CSV or YAML",
        "fr": "envoyez les notes en texte brut (.txt), en CSV ou en YAML",
    },
    # The caps (bot/decks/limits.py), the same for every format.
    "decks.limits.line_too_long": {
        "en": "this line is {length} characters long; a line of a deck may be at most {limit}",
        "fr": "cette ligne fait {length} caractères ; une ligne de paquet peut en faire au plus {limit}",
    },
    "decks.limits.line_too_long.hint": {
        "en": "one question or one answer a line",
        "fr": "une question ou une réponse par ligne",
    },
    "decks.limits.too_many_cards": {
        "en": "the deck has more than {limit} cards",
        "fr": "le paquet a plus de {limit} cartes",
    },
    "decks.limits.too_many_cards.hint": {
        "en": "split it into several decks of at most {limit} cards",
        "fr": "découpez-le en plusieurs paquets d'au plus {limit} cartes",
    },
    "decks.limits.too_many_items": {
        "en": "card {card} ({question!r}) has {count} answers; a card may have at most {limit}",
        "fr": "la carte {card} (« {question} ») a {count} réponses ; une carte peut en avoir au plus {limit}",
    },
    "decks.limits.too_many_items.hint": {
        "en": "split the question into several cards",
        "fr": "découpez la question en plusieurs cartes",
    },
    "decks.limits.question_too_long": {
        "en": "the question of card {card} is {length} characters long; a question may be at most {limit}",
        "fr": "la question de la carte {card} fait {length} caractères ; une question peut en faire au plus "
        "{limit}",
    },
    "decks.limits.question_too_long.hint": {
        "en": "keep the question short and move the explanations into the answers' details",
        "fr": "gardez la question courte et mettez les explications dans le détail des réponses",
    },
    "decks.limits.answer_too_long": {
        "en": "the answer {text!r}… is {length} characters long; an answer may be at most {limit}",
        "fr": "la réponse « {text}… » fait {length} caractères ; une réponse peut en faire au plus {limit}",
    },
    "decks.limits.answer_too_long.hint": {
        "en": "keep the answer to the words a student must name and put the explanation in its detail "
        "('Answer: detail')",
        "fr": "gardez dans la réponse les mots que l'élève doit nommer et mettez l'explication dans son "
        "détail (« Réponse : détail »)",
    },
    "decks.limits.detail_too_long": {
        "en": "the detail of {answer!r} is {length} characters long; a detail may be at most {limit}",
        "fr": "le détail de « {answer} » fait {length} caractères ; un détail peut en faire au plus {limit}",
    },
    "decks.limits.detail_too_long.hint": {
        "en": "shorten it to what the reveal should show",
        "fr": "raccourcissez-le à ce que la correction doit montrer",
    },
    "decks.limits.too_many_aliases": {
        "en": "{answer!r} has {count} aliases; an answer may have at most {limit}",
        "fr": "« {answer} » a {count} alias ; une réponse peut en avoir au plus {limit}",
    },
    "decks.limits.alias_too_long": {
        "en": "the alias {text!r}… is {length} characters long; an alias may be at most {limit}",
        "fr": "l'alias « {text}… » fait {length} caractères ; un alias peut en faire au plus {limit}",
    },
    "decks.limits.title_too_long": {
        "en": "the title is {length} characters long; a title may be at most {limit}",
        "fr": "le titre fait {length} caractères ; un titre peut en faire au plus {limit}",
    },
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
    # Where a message points, when several are listed.
    "decks.where.line": {"en": "line {line}:", "fr": "ligne {line} :"},
    "decks.where.more_warnings": {
        "en": "… and {count} more warning(s) not shown",
        "fr": "… et {count} autre(s) avertissement(s) non montré(s)",
    },
    "decks.where.more_errors": {
        "en": "… and {count} more error(s) not shown",
        "fr": "… et {count} autre(s) erreur(s) non montrée(s)",
    },
    # Finding the file and its format (bot/decks/__init__.py).
    "decks.file.unknown_format": {
        "en": "unknown deck format {suffix!r}",
        "fr": "format de paquet inconnu : « {suffix} »",
    },
    "decks.file.unknown_format.hint": {
        "en": "use .yaml, .txt or .csv",
        "fr": "utilisez un fichier .yaml, .txt ou .csv",
    },
    "decks.file.no_extension": {
        "en": "unknown deck format '(no extension)'",
        "fr": "format de paquet inconnu : le nom du fichier n'a pas d'extension",
    },
    "decks.file.no_extension.hint": {
        "en": "use .yaml, .txt or .csv",
        "fr": "utilisez un fichier .yaml, .txt ou .csv",
    },
    "decks.file.read_as_sheet": {
        "en": "the file is laid out in tab-separated columns (a spreadsheet or Anki's export) and was "
        "read as one: question, then answers",
        "fr": "le fichier est en colonnes séparées par des tabulations (un tableur ou l'export d'Anki) et a "
        "été lu comme tel : la question, puis les réponses",
    },
    "decks.file.missing": {"en": "no such file", "fr": "ce fichier n'existe pas"},
    "decks.file.folder": {
        "en": "this is a folder, not a deck file",
        "fr": "c'est un dossier, pas un fichier de paquet",
    },
    "decks.file.unreadable": {
        "en": "cannot read the file: {reason}",
        "fr": "impossible de lire le fichier : {reason}",
    },
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
    # The parts of a YAML deck that messages name ({what}).
    "decks.what.deck": {"en": "the deck", "fr": "le paquet"},
    "decks.what.title": {"en": "the title", "fr": "le titre"},
    "decks.what.language": {"en": "the language", "fr": "la langue"},
    "decks.what.card": {"en": "card {card}", "fr": "la carte {card}"},
    "decks.what.question": {"en": "the question of card {card}", "fr": "la question de la carte {card}"},
    "decks.what.item": {"en": "item {item} of card {card}", "fr": "l'élément {item} de la carte {card}"},
    "decks.what.answer": {
        "en": "the answer of item {item} of card {card}",
        "fr": "la réponse de l'élément {item} de la carte {card}",
    },
    "decks.what.detail": {
        "en": "the detail of item {item} of card {card}",
        "fr": "le détail de l'élément {item} de la carte {card}",
    },
    "decks.what.alias": {
        "en": "the alias of item {item} of card {card}",
        "fr": "l'alias de l'élément {item} de la carte {card}",
    },
    "decks.what.an_alias": {
        "en": "an alias of item {item} of card {card}",
        "fr": "un alias de l'élément {item} de la carte {card}",
    },
}
