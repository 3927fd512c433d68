"""The one answer form (a modal: the question itself, then one paragraph input), the card form (two inputs),
and the one way a submitted form reaches its feature: by its custom id.

The question is shown in the answer form (a text display), so nobody answers blind on a phone, where the form
covers the post.

Forms are recognised by their custom id, not by a Modal object kept in memory (discord.py is told not to keep
them), so a form opened before a restart of the bot is still answered after it. Each feature names the ids
it answers (:func:`form_routes`); the runner's one ``on_interaction`` hands every submitted form over
(:func:`route_form`). One listener for every feature, not one each: discord.py runs every listener as a task
of its own for every interaction of every member.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from .access import PerBot
from .markup import safe

#: The answer input's custom id, the same in every form.
ANSWER_INPUT = "answer:text"
#: The card form's inputs: the question and the items, one a line.
QUESTION_INPUT = "card:question"
ITEMS_INPUT = "card:items"
#: Discord's limit for one text input.
MAX_INPUT = 4000
#: What a modal's text display holds at most (Discord: 4,000 characters).
QUESTION_LIMIT = 4000


def answer_form(
    custom_id: str,
    *,
    title: str,
    question: str,
    label: str,
    placeholder: str,
    max_length: int,
    hint: str | None = None,
) -> discord.ui.Modal:
    """The answer form: the ``question`` (a deck's text, escaped here) as a text display, then one paragraph
    input labelled ``label`` with ``hint`` under it (titles and labels at most 45 characters, hints 100)."""
    modal = discord.ui.Modal(title=title[:45], custom_id=custom_id, timeout=None)
    modal.add_item(discord.ui.TextDisplay(f"**{safe(question, QUESTION_LIMIT - 4)}**"))
    text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        placeholder=placeholder[:100],
        max_length=max_length,
        custom_id=ANSWER_INPUT,
    )
    modal.add_item(
        discord.ui.Label(text=label[:45], description=hint[:100] if hint else None, component=text_input)
    )
    # Stopped before it is sent, discord.py does not keep it: the submission reaches the cog's
    # on_interaction, which also works for a form opened before a restart.
    modal.stop()
    return modal


def card_form(
    custom_id: str,
    *,
    title: str,
    question: tuple[str, str, str],
    items: tuple[str, str, str],
) -> discord.ui.Modal:
    """The card form: the question and the items, each ``(label, value, placeholder)``, pre-filled."""
    modal = discord.ui.Modal(title=title[:45], custom_id=custom_id, timeout=None)
    for input_id, (label, value, placeholder) in ((QUESTION_INPUT, question), (ITEMS_INPUT, items)):
        modal.add_item(
            discord.ui.TextInput(
                label=label[:45],
                style=discord.TextStyle.paragraph,
                default=value[:MAX_INPUT] or None,
                placeholder=placeholder[:100],
                max_length=MAX_INPUT,
                custom_id=input_id,
            )
        )
    modal.stop()  # answered by custom id, as the answer form
    return modal


#: A feature's handler of its submitted forms: the interaction and the match of the form's custom id.
FormHandler = Callable[[discord.Interaction, re.Match[str]], Awaitable[None]]


class FormRoutes:
    """The features' submitted forms, by the pattern of their custom ids (``fullmatch``)."""

    def __init__(self) -> None:
        self._routes: dict[re.Pattern[str], FormHandler] = {}

    def add(self, pattern: re.Pattern[str], handler: FormHandler) -> None:
        self._routes[pattern] = handler

    def remove(self, pattern: re.Pattern[str]) -> None:
        self._routes.pop(pattern, None)

    def find(self, custom_id: str) -> tuple[FormHandler, re.Match[str]] | None:
        for pattern, handler in self._routes.items():
            match = pattern.fullmatch(custom_id)
            if match is not None:
                return handler, match
        return None


_routes = PerBot(FormRoutes)


def form_routes(client: discord.Client) -> FormRoutes:
    """The bot's one table of form routes (a cog adds its own in ``cog_load``, removes them when unloaded)."""
    return _routes.of(client)


async def route_form(interaction: discord.Interaction) -> bool:
    """Hand a submitted form to the feature whose custom id it carries; False when no feature takes it (an
    old form of a feature gone, or a forged one)."""
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    found = form_routes(interaction.client).find(str(data.get("custom_id", "")))
    if found is None:
        return False
    handler, match = found
    await handler(interaction, match)
    return True


def _components(interaction: discord.Interaction) -> list[dict[str, Any]]:
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    return list(data.get("components") or ())


def submitted_answer(interaction: discord.Interaction) -> str:
    """The text typed in a submitted answer form."""
    return submitted_text(_components(interaction), ANSWER_INPUT)


def submitted_card(interaction: discord.Interaction) -> tuple[str, str]:
    """The question and the items typed in a submitted card form."""
    components = _components(interaction)
    return submitted_text(components, QUESTION_INPUT), submitted_text(components, ITEMS_INPUT)


def submitted_text(components: list[dict[str, Any]], custom_id: str) -> str:
    """The value of text input ``custom_id`` in a modal submission (rows or labels, at any depth)."""
    for component in components:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component.get("value") or "")
        children = list(component.get("components") or ())
        if isinstance(component.get("component"), dict):
            children.append(component["component"])
        found = submitted_text(children, custom_id)
        if found:
            return found
    return ""
