"""Reading the bytes and the caps (bot/decks/source.py, limits.py): why a file cannot be read as a deck."""

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
}
