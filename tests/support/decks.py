"""Deck builders: ``card("Question ?", "Key: detail", "Other")`` and ``deck("Title", card(...), ...)``."""

from __future__ import annotations

from bot.decks import Card, Deck, Item


def item(text: str, *aliases: str) -> Item:
    key, sep, detail = text.partition(":")
    return Item(key.strip(), detail.strip() if sep else "", tuple(aliases))


def card(question: str, *items: str | Item) -> Card:
    return Card(question, tuple(i if isinstance(i, Item) else item(i) for i in items))


def deck(title: str, *cards: Card, language: str = "fr") -> Deck:
    return Deck(title=title, cards=tuple(cards), language=language)
