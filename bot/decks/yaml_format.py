"""The canonical deck format: YAML a teacher can write and review by hand, validated with line numbers.

    schema: 1
    title: Cours 2 — Les médias sociaux
    language: fr
    cards:
      - question: Quels sont les avantages d'intégrer les médias sociaux ?
        items:
          - answer: Viral
            detail: un contenu se partage de lui-même
            aliases: [viralité, buzz]
          - Recrutement          # a bare string is an item with only an answer

Validation walks the YAML node tree (not the loaded data) so every error names the line it is about; the parts
of the deck an error names (``card 3``, ``item 2 of card 3``) are ``Phrase``s, translated with the message.
"""

from __future__ import annotations

from typing import Any

import yaml

from .model import SCHEMA_VERSION, Card, Deck, DeckError, DeckWarning, Item, Phrase

_DECK_KEYS = {"schema", "title", "language", "cards"}
_CARD_KEYS = {"question", "items"}
_ITEM_KEYS = {"answer", "detail", "aliases"}
LANGUAGES = ("fr", "en")


class _Validator:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[DeckWarning] = []

    def fail(self, node: yaml.Node | None, key: str, /, **values: object) -> DeckError:
        line = node.start_mark.line + 1 if node is not None else None
        return DeckError(key, path=self.path, line=line, **values)

    def mapping(
        self, node: yaml.Node, what: Phrase, allowed: set[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "decks.yaml.not_mapping", what=what)
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                raise self.fail(
                    key_node, "decks.yaml.unknown_key", key=key, what=what, allowed=", ".join(sorted(allowed))
                )
            if key in fields:
                raise self.fail(key_node, "decks.yaml.duplicate_key", key=key, what=what)
            fields[key] = (key_node, value_node)
        return fields

    def text(self, node: yaml.Node, what: Phrase, *, required: bool = True) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
        ):
            raise self.fail(node, "decks.yaml.not_text", what=what)
        value = str(node.value).strip()
        if required and not value:
            raise self.fail(node, "decks.yaml.empty_text", what=what)
        return value

    def deck(self, root: yaml.Node | None) -> Deck:
        if root is None:
            raise self.fail(None, "decks.yaml.empty")
        fields = self.mapping(root, Phrase("decks.what.deck"), _DECK_KEYS)
        if "schema" in fields:
            schema_node = fields["schema"][1]
            if schema_node.tag != "tag:yaml.org,2002:int" or int(schema_node.value) != SCHEMA_VERSION:
                raise self.fail(
                    schema_node, "decks.yaml.schema", schema=schema_node.value, version=SCHEMA_VERSION
                )
        if "title" not in fields:
            raise self.fail(root, "decks.yaml.no_title")
        title = self.text(fields["title"][1], Phrase("decks.what.title"))
        language = "fr"
        if "language" in fields:
            language = self.text(fields["language"][1], Phrase("decks.what.language")).lower()
            if language not in LANGUAGES:
                raise self.fail(fields["language"][1], "decks.yaml.unknown_language", language=language)
        if "cards" not in fields:
            raise self.fail(root, "decks.yaml.no_cards")
        cards_node = fields["cards"][1]
        if not isinstance(cards_node, yaml.SequenceNode) or not cards_node.value:
            raise self.fail(cards_node, "decks.yaml.cards_not_list")
        cards = tuple(self.card(node, number) for number, node in enumerate(cards_node.value, start=1))
        return Deck(
            title=title, cards=cards, language=language, warnings=tuple(self.warnings), source=self.path
        )

    def card(self, node: yaml.Node, number: int) -> Card:
        fields = self.mapping(node, Phrase("decks.what.card", card=number), _CARD_KEYS)
        if "question" not in fields:
            raise self.fail(node, "decks.yaml.no_question", card=number)
        question = self.text(fields["question"][1], Phrase("decks.what.question", card=number))
        items_node = fields.get("items", (None, None))[1]
        if items_node is None or not isinstance(items_node, yaml.SequenceNode) or not items_node.value:
            raise self.fail(items_node or node, "decks.yaml.no_items", card=number, question=question[:40])
        items = tuple(self.item(item_node, number, i) for i, item_node in enumerate(items_node.value, 1))
        seen: set[str] = set()
        for item in items:
            if item.answer.casefold() in seen:
                self.warnings.append(
                    DeckWarning(
                        "decks.yaml.duplicate_answer",
                        node.start_mark.line + 1,
                        card=number,
                        answer=item.answer,
                    )
                )
            seen.add(item.answer.casefold())
        return Card(question, items, line=node.start_mark.line + 1)

    def item(self, node: yaml.Node, card: int, number: int) -> Item:
        def what(part: str) -> Phrase:
            return Phrase(f"decks.what.{part}", card=card, item=number)

        if isinstance(node, yaml.ScalarNode):
            return Item(self.text(node, what("item")))
        fields = self.mapping(node, what("item"), _ITEM_KEYS)
        if "answer" not in fields:
            raise self.fail(node, "decks.yaml.no_answer", card=card, item=number)
        answer = self.text(fields["answer"][1], what("answer"))
        detail = self.text(fields["detail"][1], what("detail"), required=False) if "detail" in fields else ""
        aliases: tuple[str, ...] = ()
        if "aliases" in fields:
            aliases_node = fields["aliases"][1]
            if isinstance(aliases_node, yaml.ScalarNode):
                aliases = (self.text(aliases_node, what("alias")),)
            elif isinstance(aliases_node, yaml.SequenceNode):
                aliases = tuple(self.text(a, what("an_alias")) for a in aliases_node.value)
            else:
                raise self.fail(aliases_node, "decks.yaml.aliases_not_list", card=card, item=number)
        return Item(answer, detail, aliases)


def parse_yaml(text: str, *, path: str = "<deck.yaml>") -> Deck:
    """Parse and validate a canonical YAML deck, or raise :class:`DeckError` with the line at fault."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DeckError(
            "decks.yaml.invalid", path=path, line=mark.line + 1 if mark else None, problem=exc.problem
        ) from None
    except yaml.YAMLError as exc:
        raise DeckError("decks.yaml.invalid", path=path, problem=str(exc)) from None
    return _Validator(path).deck(root)


def deck_to_data(deck: Deck) -> dict[str, Any]:
    cards = []
    for card in deck.cards:
        items: list[Any] = []
        for item in card.items:
            entry: dict[str, Any] = {"answer": item.answer}
            if item.detail:
                entry["detail"] = item.detail
            if item.aliases:
                entry["aliases"] = list(item.aliases)
            items.append(entry)
        cards.append({"question": card.question, "items": items})
    return {"schema": SCHEMA_VERSION, "title": deck.title, "language": deck.language, "cards": cards}


def dump_deck(deck: Deck) -> str:
    """The deck in canonical YAML, ready for a teacher to review and edit."""
    return yaml.safe_dump(deck_to_data(deck), allow_unicode=True, sort_keys=False, width=110)
