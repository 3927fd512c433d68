"""Reading rules the dev sets justified (second round): one behaviour a student notices per test."""

from bot.decks import Item
from bot.grading import grade_reply

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


CONSCRIPTION = [
    Item("Première Guerre mondiale (1914-1918)", "le Canada entre en guerre avec la Grande-Bretagne"),
    Item("Loi du service militaire (1917)", "Borden impose la conscription"),
    Item("Émeute de Québec (1918)", "manifestations contre la conscription, l'armée tire, 4 morts"),
    Item("Seconde Guerre mondiale (1939-1945)", "Mackenzie King promet qu'il n'y aura pas de conscription"),
    Item("Conscription de 1944", "des conscrits sont envoyés outre-mer"),
]
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
