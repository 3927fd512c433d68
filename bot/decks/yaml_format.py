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

Reading is in two passes. First the event stream (libyaml's, in C, when PyYAML has it) is checked for what a
deck never needs and a hostile file uses: anchors and aliases (a 47 kB file that reuses one card through
them is five million items), tags other than the standard ones (``!!python/object``), nesting deeper than a
deck's six levels (thousands of ``[``). Only then is the node tree composed and validated, caps first.
Validation walks the nodes (not loaded data) so every error names its line, and it goes on after an error:
the teacher gets every mistake of the file at once (up to ``MAX_ERRORS``). The parts of the deck an error
names (``card 3``, ``item 2 of card 3``) are ``Phrase``s, translated with the message.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .limits import (
    MAX_ALIAS_CHARS,
    MAX_ALIASES,
    MAX_ANSWER_CHARS,
    MAX_CARDS,
    MAX_DETAIL_CHARS,
    MAX_ITEMS,
    MAX_QUESTION_CHARS,
    MAX_TITLE_CHARS,
    too_many_cards,
)
from .model import SCHEMA_VERSION, Card, Deck, DeckError, DeckWarning, Item, Phrase

_DECK_KEYS = {"schema", "title", "language", "cards"}
_CARD_KEYS = {"question", "items"}
_ITEM_KEYS = {"answer", "detail", "aliases"}
LANGUAGES = ("fr", "en")
MAX_ERRORS = 20
MAX_DEPTH = 8  # deck > cards > card > items > item > aliases is 6; two more for friendlier errors
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Plain scalars whose YAML 1.1 type is not text but which a teacher means as text ("No", "1914", "3.5"):
# read as written.
_TEXT_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "timestamp", "null")}
_STANDARD_TAGS = _TEXT_TAGS | {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "!"}
# "- answer Gas", "- answer:Gas", "- question Quoi ?": a key whose colon (or the space after it) is missing.
_KEY_WITHOUT_COLON = re.compile(r"^(?P<key>answer|detail|aliases|question|items)(?::(?=\S)|\s+)(?P<rest>.+)$")


class _Stop(Exception):
    """Enough errors to report: stop validating."""


def _line(node: yaml.Node | yaml.Event | None) -> int | None:
    return node.start_mark.line + 1 if node is not None and node.start_mark is not None else None


def _check_events(text: str, path: str) -> None:
    """Refuse anchors, aliases, foreign tags and deep nesting, before any node is built."""
    depth = 0
    cards = 0  # nodes of the sequences two levels down: the cards of "cards:"
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if depth == 2 and isinstance(event, yaml.NodeEvent):
                cards += 1
                if cards > MAX_CARDS:
                    raise too_many_cards(path, _line(event))
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DeckError("decks.yaml.alias", path=path, line=_line(event))
            tag = getattr(event, "tag", None)
            if tag and tag not in _STANDARD_TAGS:  # !!python/object, !!binary, !custom...
                raise DeckError("decks.yaml.tag", path=path, line=_line(event), tag=tag)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DeckError("decks.yaml.too_deep", path=path, line=_line(event), limit=MAX_DEPTH)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if exc.problem and "nesting depth" in exc.problem:
            raise DeckError("decks.yaml.too_deep", path=path, line=line, limit=MAX_DEPTH) from None
        raise DeckError("decks.yaml.invalid", path=path, line=line, problem=exc.problem) from None
    except yaml.YAMLError as exc:
        raise DeckError("decks.yaml.invalid", path=path, problem=str(exc)) from None


class _Validator:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[DeckWarning] = []
        self.errors: list[DeckError] = []
        self.omitted = 0
        # The last mapping had an unknown key ("itmes"): a missing key it stands for is not a second error.
        self.misspelt = False

    def fail(self, node: yaml.Node | None, key: str, /, **values: object) -> DeckError:
        return DeckError(key, path=self.path, line=_line(node), **values)

    def error(self, node: yaml.Node | None, key: str, /, **values: object) -> None:
        """Record an error and go on reading, up to MAX_ERRORS."""
        if len(self.errors) >= MAX_ERRORS:
            self.omitted += 1
            return
        self.errors.append(self.fail(node, key, **values))

    def mapping(
        self, node: yaml.Node, what: Phrase, allowed: set[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and self.key_without_colon(node, what):
                return None
            self.error(node, "decks.yaml.not_mapping", what=what)
            return None
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        self.misspelt = False
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.misspelt = True
                self.error(
                    key_node, "decks.yaml.unknown_key", key=key, what=what, allowed=", ".join(sorted(allowed))
                )
                continue
            if key in fields:
                self.error(key_node, "decks.yaml.duplicate_key", key=key, what=what)
                continue
            fields[key] = (key_node, value_node)
        return fields

    def key_without_colon(self, node: yaml.ScalarNode, what: Phrase) -> bool:
        """``- answer Gas``: say the colon is missing rather than take the words as an answer."""
        match = _KEY_WITHOUT_COLON.match(str(node.value)) if not node.style else None  # plain, not quoted
        if not match:
            return False
        self.error(
            node,
            "decks.yaml.key_without_colon",
            what=what,
            text=str(node.value)[:60],
            key=match["key"],
            rest=match["rest"][:40],
        )
        return True

    def text(self, node: yaml.Node, what: Phrase, limit: int, *, required: bool = True) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            self.error(node, "decks.yaml.not_text", what=what)
            return None
        value = str(node.value).strip()
        if required and not value:
            self.error(node, "decks.yaml.empty_text", what=what)
            return None
        if len(value) > limit:
            self.error(node, "decks.yaml.too_long", what=what, length=len(value), limit=limit)
            return None
        return value

    def deck(self, root: yaml.Node | None) -> Deck:
        if root is None:
            raise self.fail(None, "decks.yaml.empty")
        fields = self.mapping(root, Phrase("decks.what.deck"), _DECK_KEYS)
        if fields is None:
            raise self.errors[0]
        if "schema" in fields:
            schema_node = fields["schema"][1]
            if schema_node.tag != "tag:yaml.org,2002:int" or int(schema_node.value) != SCHEMA_VERSION:
                self.error(schema_node, "decks.yaml.schema", schema=schema_node.value, version=SCHEMA_VERSION)
        misspelt = self.misspelt
        title = None
        if "title" not in fields:
            if not misspelt:
                self.error(root, "decks.yaml.no_title")
        else:
            title = self.text(fields["title"][1], Phrase("decks.what.title"), MAX_TITLE_CHARS)
        language = "fr"
        if "language" in fields:
            value = self.text(fields["language"][1], Phrase("decks.what.language"), 10)
            if value is not None and value.lower() not in LANGUAGES:
                self.error(fields["language"][1], "decks.yaml.unknown_language", language=value)
            language = (value or "fr").lower()
        cards: list[Card] = []
        if "cards" not in fields:
            if not misspelt:
                self.error(root, "decks.yaml.no_cards")
        else:
            cards_node = fields["cards"][1]
            if not isinstance(cards_node, yaml.SequenceNode) or not cards_node.value:
                self.error(cards_node, "decks.yaml.cards_not_list")
            elif len(cards_node.value) > MAX_CARDS:
                raise too_many_cards(self.path, _line(cards_node.value[MAX_CARDS]))
            else:
                try:
                    for number, node in enumerate(cards_node.value, start=1):
                        card = self.card(node, number)
                        if card is not None:
                            cards.append(card)
                except _Stop:
                    pass
        if self.errors:
            raise DeckError.several(self.errors, omitted=self.omitted)
        assert title is not None
        return Deck(
            title=title,
            cards=tuple(cards),
            language=language,
            warnings=tuple(self.warnings),
            source=self.path,
        )

    def card(self, node: yaml.Node, number: int) -> Card | None:
        if self.omitted > 50:  # far past what is shown: the rest of the file adds nothing
            raise _Stop
        fields = self.mapping(node, Phrase("decks.what.card", card=number), _CARD_KEYS)
        if fields is None:
            return None
        misspelt = self.misspelt
        question = None
        if "question" not in fields:
            if not misspelt:
                self.error(node, "decks.yaml.no_question", card=number)
        else:
            question = self.text(
                fields["question"][1], Phrase("decks.what.question", card=number), MAX_QUESTION_CHARS
            )
        items_node = fields.get("items", (None, None))[1]
        if items_node is None and misspelt:
            return None
        if items_node is None or not isinstance(items_node, yaml.SequenceNode) or not items_node.value:
            self.error(items_node or node, "decks.yaml.no_items", card=number, question=(question or "")[:40])
            return None
        if len(items_node.value) > MAX_ITEMS:
            self.error(
                items_node,
                "decks.limits.too_many_items",
                card=number,
                question=(question or "")[:60],
                count=len(items_node.value),
                limit=MAX_ITEMS,
            )
            return None
        items = [self.item(item_node, number, i) for i, item_node in enumerate(items_node.value, 1)]
        if question is None or any(item is None for item in items):
            return None
        kept = tuple(item for item in items if item is not None)
        seen: set[str] = set()
        for item in kept:
            if item.answer.casefold() in seen:
                self.warnings.append(
                    DeckWarning("decks.yaml.duplicate_answer", _line(node), card=number, answer=item.answer)
                )
            seen.add(item.answer.casefold())
        return Card(question, kept, line=_line(node))

    def item(self, node: yaml.Node, card: int, number: int) -> Item | None:
        def what(part: str) -> Phrase:
            return Phrase(f"decks.what.{part}", card=card, item=number)

        if isinstance(node, yaml.ScalarNode):
            if self.key_without_colon(node, what("item")):
                return None
            answer = self.text(node, what("item"), MAX_ANSWER_CHARS)
            return Item(answer) if answer is not None else None
        fields = self.mapping(node, what("item"), _ITEM_KEYS)
        if fields is None:
            return None
        answer = None
        if "answer" not in fields:
            if not self.misspelt:
                self.error(node, "decks.yaml.no_answer", card=card, item=number)
        else:
            answer = self.text(fields["answer"][1], what("answer"), MAX_ANSWER_CHARS)
        detail: str | None = ""
        if "detail" in fields:
            detail = self.text(fields["detail"][1], what("detail"), MAX_DETAIL_CHARS, required=False)
        aliases: list[str | None] = []
        if "aliases" in fields:
            aliases_node = fields["aliases"][1]
            if isinstance(aliases_node, yaml.ScalarNode):
                aliases = [self.text(aliases_node, what("alias"), MAX_ALIAS_CHARS)]
            elif isinstance(aliases_node, yaml.SequenceNode):
                if len(aliases_node.value) > MAX_ALIASES:
                    self.error(
                        aliases_node,
                        "decks.limits.too_many_aliases",
                        answer=(answer or "")[:40],
                        count=len(aliases_node.value),
                        limit=MAX_ALIASES,
                    )
                    return None
                aliases = [self.text(a, what("an_alias"), MAX_ALIAS_CHARS) for a in aliases_node.value]
            else:
                self.error(aliases_node, "decks.yaml.aliases_not_list", card=card, item=number)
                return None
        if answer is None or detail is None or any(alias is None for alias in aliases):
            return None
        return Item(answer, detail, tuple(alias for alias in aliases if alias is not None))


def parse_yaml(text: str, *, path: str = "<deck.yaml>") -> Deck:
    """Parse and validate a canonical YAML deck, or raise :class:`DeckError` with every error found."""
    _check_events(text, path)
    try:
        root = yaml.compose(text, Loader=_Loader)
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
