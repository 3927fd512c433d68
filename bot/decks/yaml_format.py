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

Validation walks the YAML node tree (not the loaded data) so every error names the line it is about.
"""

from __future__ import annotations

from typing import Any

import yaml

from .model import SCHEMA_VERSION, Card, Deck, DeckError, DeckWarning, Item

_DECK_KEYS = {"schema", "title", "language", "cards"}
_CARD_KEYS = {"question", "items"}
_ITEM_KEYS = {"answer", "detail", "aliases"}
LANGUAGES = ("fr", "en")


class _Validator:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[DeckWarning] = []

    def fail(self, node: yaml.Node | None, message: str, hint: str = "") -> DeckError:
        line = node.start_mark.line + 1 if node is not None else None
        return DeckError(message, path=self.path, line=line, hint=hint)

    def mapping(
        self, node: yaml.Node, what: str, allowed: set[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys (like 'question: ...')")
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"unknown key {key!r} in {what}",
                    hint="allowed keys: " + ", ".join(sorted(allowed)),
                )
            if key in fields:
                raise self.fail(key_node, f"the key {key!r} appears twice in {what}")
            fields[key] = (key_node, value_node)
        return fields

    def text(self, node: yaml.Node, what: str, *, required: bool = True) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
        ):
            raise self.fail(
                node, f"{what} must be text", hint="put it on one line, in quotes if it has a colon"
            )
        value = str(node.value).strip()
        if required and not value:
            raise self.fail(node, f"{what} is empty")
        return value

    def deck(self, root: yaml.Node | None) -> Deck:
        if root is None:
            raise self.fail(None, "the file is empty", hint="start with 'title:' and 'cards:'")
        fields = self.mapping(root, "the deck", _DECK_KEYS)
        if "schema" in fields:
            schema_node = fields["schema"][1]
            if schema_node.tag != "tag:yaml.org,2002:int" or int(schema_node.value) != SCHEMA_VERSION:
                raise self.fail(
                    schema_node,
                    f"unsupported schema {schema_node.value!r}; this version reads schema {SCHEMA_VERSION}",
                    hint="upgrade the bot, or write 'schema: 1'",
                )
        if "title" not in fields:
            raise self.fail(root, "the deck has no 'title'", hint="add a line 'title: <name of the course>'")
        title = self.text(fields["title"][1], "the title")
        language = "fr"
        if "language" in fields:
            language = self.text(fields["language"][1], "the language").lower()
            if language not in LANGUAGES:
                raise self.fail(fields["language"][1], f"unknown language {language!r}", hint="use fr or en")
        if "cards" not in fields:
            raise self.fail(root, "the deck has no 'cards'", hint="add 'cards:' with a list of questions")
        cards_node = fields["cards"][1]
        if not isinstance(cards_node, yaml.SequenceNode) or not cards_node.value:
            raise self.fail(
                cards_node, "'cards' must be a non-empty list", hint="each card starts with '- question:'"
            )
        cards = tuple(self.card(node, number) for number, node in enumerate(cards_node.value, start=1))
        return Deck(
            title=title, cards=cards, language=language, warnings=tuple(self.warnings), source=self.path
        )

    def card(self, node: yaml.Node, number: int) -> Card:
        what = f"card {number}"
        fields = self.mapping(node, what, _CARD_KEYS)
        if "question" not in fields:
            raise self.fail(node, f"{what} has no 'question'")
        question = self.text(fields["question"][1], f"the question of {what}")
        items_node = fields.get("items", (None, None))[1]
        if items_node is None or not isinstance(items_node, yaml.SequenceNode) or not items_node.value:
            raise self.fail(
                items_node or node,
                f"{what} ({question[:40]!r}) has no items",
                hint="add 'items:' with at least one '- answer: ...'",
            )
        items = tuple(
            self.item(item_node, f"item {i} of {what}") for i, item_node in enumerate(items_node.value, 1)
        )
        seen: set[str] = set()
        for item in items:
            if item.answer.casefold() in seen:
                self.warnings.append(
                    DeckWarning(
                        f"{what}: the answer {item.answer!r} is listed twice", node.start_mark.line + 1
                    )
                )
            seen.add(item.answer.casefold())
        return Card(question, items, line=node.start_mark.line + 1)

    def item(self, node: yaml.Node, what: str) -> Item:
        if isinstance(node, yaml.ScalarNode):
            return Item(self.text(node, what))
        fields = self.mapping(node, what, _ITEM_KEYS)
        if "answer" not in fields:
            raise self.fail(node, f"{what} has no 'answer'", hint="the answer is the key a student must name")
        answer = self.text(fields["answer"][1], f"the answer of {what}")
        detail = (
            self.text(fields["detail"][1], f"the detail of {what}", required=False)
            if "detail" in fields
            else ""
        )
        aliases: tuple[str, ...] = ()
        if "aliases" in fields:
            aliases_node = fields["aliases"][1]
            if isinstance(aliases_node, yaml.ScalarNode):
                aliases = (self.text(aliases_node, f"the alias of {what}"),)
            elif isinstance(aliases_node, yaml.SequenceNode):
                aliases = tuple(self.text(a, f"an alias of {what}") for a in aliases_node.value)
            else:
                raise self.fail(aliases_node, f"the aliases of {what} must be a list of text")
        return Item(answer, detail, aliases)


def parse_yaml(text: str, *, path: str = "<deck.yaml>") -> Deck:
    """Parse and validate a canonical YAML deck, or raise :class:`DeckError` with the line at fault."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DeckError(
            f"not valid YAML: {exc.problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            hint="check the indentation and quote text that contains ': '",
        ) from None
    except yaml.YAMLError as exc:
        raise DeckError(f"not valid YAML: {exc}", path=path) from None
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
