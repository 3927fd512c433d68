"""Rules of reading a reply that the dev sets justified (two rounds of tuning): one behaviour a student
notices per test."""

from bot.decks import Item
from bot.grading import grade_reply

WATER_CYCLE = [
    Item("Evaporation", "sun heats water, liquid -> vapour"),
    Item("Condensation", "vapour cools into droplets = clouds"),
    Item("Precipitation", "rain, snow, hail falling back down"),
    Item("Collection", "water gathers in oceans, lakes, groundwater (runoff)"),
]
REACTIONS = [
    Item("Synthesis", "A + B -> AB"),
    Item("Decomposition", "AB -> A + B"),
    Item("Single displacement", "A + BC -> AC + B, one element swaps in"),
    Item("Combustion", "fuel + oxygen -> CO2 + water, releases heat"),
]
FOOD_CHAIN = [
    Item("Producteurs", "végétaux, fabriquent leur propre nourriture par photosynthèse"),
    Item("Consommateurs primaires", "herbivores, mangent les producteurs"),
    Item("Consommateurs secondaires", "carnivores qui mangent les herbivores"),
    Item("Consommateurs tertiaires", "superprédateurs, mangent les autres carnivores"),
    Item("Décomposeurs", "champignons, bactéries, vers; recyclent la matière morte en minéraux"),
]


def test_one_side_of_an_arrow_in_a_detail_names_nothing() -> None:
    # "liquid -> vapour" is a change of state: the states of matter pasted on the water cycle earn nothing
    assert grade_reply(WATER_CYCLE, "solid, liquid, gas").matched == []
    assert grade_reply(WATER_CYCLE, "liquid turns to vapour").matched == [0]


def test_an_equation_names_its_reaction_and_no_other() -> None:
    assert grade_reply(REACTIONS, "A + B -> AB, AB -> A + B").matched == [0, 1]


def test_a_term_of_a_detail_is_read_in_its_order() -> None:
    # "carnivores qui mangent les herbivores" are the secondary consumers, not those that eat carnivores
    reply = "herbivores, carnivores qui mangent les herbivores, champignons et bactéries"
    assert grade_reply(FOOD_CHAIN, reply).matched == [1, 2, 4]
    assert grade_reply(FOOD_CHAIN, "ceux qui mangent les autres carnivores").matched == [3]


CONSCRIPTION = [
    Item("Première Guerre mondiale (1914-1918)", "le Canada entre en guerre avec la Grande-Bretagne"),
    Item("Loi du service militaire (1917)", "Borden impose la conscription"),
    Item("Émeute de Québec (1918)", "manifestations contre la conscription, l'armée tire, 4 morts"),
    Item("Seconde Guerre mondiale (1939-1945)", "Mackenzie King promet qu'il n'y aura pas de conscription"),
    Item("Plébiscite de 1942", "le Canada anglais libère King de sa promesse, le Québec vote non à 71 %"),
    Item("Conscription de 1944", "des conscrits sont envoyés outre-mer"),
]


def test_no_said_or_voted_is_not_a_negation() -> None:
    assert grade_reply(CONSCRIPTION, "le Québec vote non au plébiscite de 1942").matched == [4]
    assert grade_reply(CONSCRIPTION, "the people said no in the 1942 plebiscite").matched == [4]
    # a real negation still rejects what it negates
    assert grade_reply(CONSCRIPTION, "pas le plébiscite de 1942").matched == []


RECOMMENDATIONS = ["Transparence", "Partage", "Qualité de la langue", "Fiabilité", "Engagement à long terme"]


def test_initials_in_capitals_stand_for_the_words_of_a_key() -> None:
    assert grade_reply(RECOMMENDATIONS, "transparence, engagement LT").matched == [0, 4]
    assert grade_reply(CONSCRIPTION, "la 1re GM pis le plébiscite").matched == [0, 4]
    # initials of no key name nothing, and lower-case letters are not initials
    assert grade_reply(RECOMMENDATIONS, "engagement XY").matched == []
    assert grade_reply(CONSCRIPTION, "la gm").matched == []


def test_initials_may_end_with_a_short_acronym_of_the_key_given_whole() -> None:
    organelles = ["Nucleus", "Mitochondria", "Rough ER", "Smooth ER", "Golgi apparatus"]
    assert grade_reply(organelles, "nucleus, RER, SER", semantic=False).matched == [0, 2, 3]
    assert grade_reply(organelles, "the MA", semantic=False).matched == []
    assert grade_reply(organelles, "XER, ER", semantic=False).matched == []


def test_an_ordinal_in_figures_or_in_other_words_is_the_same_ordinal() -> None:
    assert grade_reply(CONSCRIPTION, "la Deuxième Guerre mondiale").matched == [3]
    assert grade_reply(CONSCRIPTION, "2e Guerre mondiale, 1re Guerre mondiale").matched == [0, 3]
    assert grade_reply(CONSCRIPTION, "la 2e GM").matched == [3]


AVOID = [
    "Parler uniquement de soi",
    "Ne pas se préparer",
    "Ne pas avoir de relève",
    "Utiliser le mauvais outil",
]
AVOID_QUESTION = "Que faut-il éviter lorsqu’on intègre les médias sociaux?"
COURSE = [["Recrutement", "Viral", "Monitoring", "Faibles coûts"], ["Transparence", "Partage", "Fiabilité"]]


def test_a_card_of_things_to_avoid_is_graded_by_meaning_part_by_part() -> None:
    # the bad practices said in English earn their items; a part's negation stays in that part
    reply = "talking only about yourself, not preparing"
    grade = grade_reply(AVOID, reply, question=AVOID_QUESTION, others=COURSE)
    assert grade.matched == [0, 1]
    assert grade.credit_for(0) is not None and grade.credit_for(0).via == "meaning"
    # the opposite good practice, stated without a negation, earns no "ne pas" item
    good = grade_reply(
        AVOID, "always preparing, having a backup person", question=AVOID_QUESTION, others=COURSE
    )
    assert good.matched == []


def test_an_example_of_a_detail_said_in_passing_names_nothing() -> None:
    water = [
        Item("Précipitations", "pluie, neige, grêle"),
        Item("Infiltration", "l'eau pénètre dans le sol, nappe phréatique"),
    ]
    # "pluie" only qualifies the water of a sentence about something else
    assert grade_reply(water, "l'eau de pluie qui descend dans la terre", semantic=False).matched == []
    # as a list entry, or the point of a short part, the example names its item
    assert grade_reply(water, "pluie, neige", semantic=False).matched == [0]
    assert grade_reply(water, "il tombe de la pluie", semantic=False).matched == [0]


def test_arrows_separate_the_steps_of_a_chain() -> None:
    reply = "plants -> herbivores → carnivores ⇒ top predators"
    assert 1 in grade_reply(FOOD_CHAIN, reply, semantic=False).matched


FORCES = [
    "Connexion: Se connecter à son univers de référence (sites spécialisés, communauté du secteur)",
    "Preuve: Soutenir ses messages avec des preuves, de préférences externes (témoignages, presses)",
    "Cohérence: Développer un message cohérent sur l’ensemble du web",
    "Historique: Modeler les «traces» de son existence, pour écrire sa propre histoire sur le web.",
]
FORCES_QUESTION = "Les 4 forces de l’identité numérique:"
SHIPPED_OTHERS = [
    ["Transparence", "Partage", "Validation", "Qualité de la langue", "Fiabilité", "Implication"],
    ["Réputation", "Expression", "Publications: Ce que je partage", "Avis: Ce que je pense", "Coordonnées"],
    ["Veille et observation", "Création de contenus pour chaque réseau", "Interaction et partage"],
]


def test_a_reply_that_answers_the_card_item_by_item_is_judged_on_the_card() -> None:
    # in English, each part names the item the others leave: the whole card is earned
    reply = "history, connection, proof, consistency"
    grade = grade_reply(FORCES, reply, question=FORCES_QUESTION, others=SHIPPED_OTHERS)
    assert grade.matched == [0, 1, 2, 3]
    # the same words alone still compete with the deck's other cards, and earn nothing here
    alone = grade_reply(FORCES, "proof, consistency", question=FORCES_QUESTION, others=SHIPPED_OTHERS)
    assert alone.matched == []


TOOLS = [
    "Outils de veille",
    "Google analytics",
    "Radian 6",
    "Stats Facebook",
    "Nb de followers",
    "Nb de visionnements",
    "Nb de vue et de RT",
]
TOOLS_OTHERS = [
    ["Transparence", "Partage", "Validation"],
    ["Veille et observation", "Interaction et partage"],
]


def test_a_key_said_in_the_other_language_after_its_shared_first_word_is_the_same_name() -> None:
    # "abonnés" says "followers": the same name; "likes" says nothing of the card, "Ads" is another name
    grade = grade_reply(TOOLS, "nombre d'abonnés, Google Analytics", others=TOOLS_OTHERS)
    assert grade.matched == [1, 4]
    assert grade.credit_for(4) is not None and grade.credit_for(4).via == "meaning"
    assert grade_reply(TOOLS, "nombre de likes", others=TOOLS_OTHERS).matched == []
    assert grade_reply(TOOLS, "Google Ads", others=TOOLS_OTHERS).matched == []


EDITORIAL = [
    "Qui: Qui publie et à qui l’on s’adresse.",
    "Quoi: Quels sujets.",
    "Où: Sur quels réseaux.",
    "Comment",
]


def test_question_words_in_the_other_language_answer_a_card_of_question_words() -> None:
    assert grade_reply(EDITORIAL, "who, what, where, how").matched == [0, 1, 2, 3]
    assert grade_reply(["Who", "Where", "Why"], "qui? où?").matched == [0, 1]
    # inside a sentence, a question word is a pronoun, not an answer
    assert grade_reply(EDITORIAL, "I don't know how to answer that").matched == []


SECURITY = [
    Item("Long passwords", "12+ characters, passphrase"),
    Item("Two-factor authentication", "2FA, a code on your phone as well as the password"),
    Item("Password manager"),
    Item("Never reuse passwords", "a different password for every site"),
    Item("Install updates", "patches fix security holes"),
    Item("Backups", "copies of your files somewhere else (3-2-1)"),
]


def test_a_negative_key_s_detail_is_read_in_its_own_polarity() -> None:
    # "Never reuse passwords: a different password for every site": saying the detail is naming the habit
    assert grade_reply(SECURITY, "a different password for every site").matched == [3]
    # the key's own negation still holds for the key: reusing passwords is the opposite habit
    assert grade_reply(SECURITY, "reuse passwords").matched == []


GUIDE = ["Contexte", "Description des réseaux et Lexique", "Logique de chaque réseau"]
DEFIS = [
    "Intégrer les médias sociaux dans la stratégie globale de l’entreprise",
    "Affecter les ressources nécessaires pour qu’ils soient bien utilisés",
    "Accepter la critique",
    "Rester authentique",
]


def test_k_spelled_for_qu_is_the_same_word() -> None:
    # students spell "que" as it sounds: "lexik", "critik"
    assert grade_reply(GUIDE, "contexte, lexik").matched == [0, 1]
    assert grade_reply(DEFIS, "acepter la critik, rester autentique").matched == [2, 3]


EDITORIALE = ["Qui", "Quoi", "Où", "Comment", "Résultats"]


def test_a_typo_of_a_short_one_word_key_names_it_as_a_whole_part() -> None:
    assert grade_reply(EDITORIALE, "quio, quoii, où, commnet, résultas").matched == [0, 1, 2, 3, 4]
    # inside a sentence the same typo is just a word of the sentence
    assert grade_reply(EDITORIALE, "un commnet sur la page").matched == []


RELATIONS = [
    Item("Prédation", "un animal en chasse et mange un autre"),
    Item("Compétition", "pour les mêmes ressources (nourriture, territoire)"),
    Item("Mutualisme", "les deux espèces y gagnent (abeille + fleur)"),
    Item("Commensalisme", "une y gagne, l'autre n'y gagne rien et n'y perd rien"),
    Item("Parasitisme", "un vit aux dépens de l'autre (tique, ver solitaire)"),
]


def test_the_same_root_with_another_prefix_is_another_term() -> None:
    # amensalism is a real relation, just not commensalism: close in letters, not in meaning
    assert grade_reply(RELATIONS, "neutralisme, amensalisme").matched == []
    # the same term in the other language still earns it
    assert grade_reply(RELATIONS, "commensalism, mutualism").matched == [2, 3]


IDENTITE = [
    "Ensemble des informations sur Internet vous concernant",
    "Mélange de ce que je montre, ce que je cache, ce que les autres perçoivent et ce qui m’échappe",
]


def test_a_question_word_does_not_name_a_long_key_it_appears_in() -> None:
    # "qui" in "ce qui m'échappe" is a pronoun: a pasted "Qui" names no part of the definition
    assert grade_reply(IDENTITE, "informations sur Internet, Qui, Quoi").matched == [0]
    # a card of question words still takes them
    assert grade_reply(EDITORIALE, "qui, quoi, où").matched == [0, 1, 2]


LOI_25 = [
    Item("Consentement", "manifeste, libre, éclairé, demandé pour chaque fin"),
    Item(
        "Signalement des incidents de confidentialité",
        "aviser la CAI et les personnes touchées s'il y a un risque de préjudice sérieux",
    ),
    Item("Confidentialité par défaut", "paramètres au plus haut niveau de confidentialité"),
]
QUESTION = "Les crises de la conscription au Canada"


def test_a_word_of_a_long_key_beside_a_word_of_its_detail_names_the_item() -> None:
    # the year only this law has, with the detail's "conscription"; the bare year still names nothing
    assert grade_reply(CONSCRIPTION, "la conscription de 1917", question=QUESTION).matched == [1]
    assert grade_reply(CONSCRIPTION, "1917", question=QUESTION).matched == []
    assert grade_reply(LOI_25, "consentement, signalement à la CAI").matched == [0, 1]
    # the detail's word without the key's is not the item
    assert grade_reply(LOI_25, "consentement, la CAI").matched == [0]
