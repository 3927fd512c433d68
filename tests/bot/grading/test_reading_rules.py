"""Rules of reading a reply that the dev sets justified: one behaviour a student notices per test."""

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
