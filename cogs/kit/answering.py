"""A member's answer answered in time: the grade in one response when the work is quick, "thinking…" first
when it could take long.

One response is one call to Discord; acknowledging first ("thinking…", deferred and private) and editing in
the grade is two, about 0.5 ms more of the bot's time each. So an answer gets its grade in one response,
unless its 3 s are at risk: it reaches its handler a second after Discord created it, or 0.1 s later than
the quickest answers lately (a burst the bot is behind on, whatever the network's latency), or its work runs
past a second. Discord's 3 s run from the interaction's creation, not from when the handler got to run.
Acknowledged, its work waits while the class's other acknowledgements are pending (``lanes``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord

from bot.errors import Outage, UserError
from bot.i18n import t

from .lanes import after_acknowledgements, age_of, behind, first_response
from .markup import DISCORD
from .replies import NO_PINGS, send_private

log = logging.getLogger(__name__)

#: Seconds after its interaction was created by which an answer still being worked on is acknowledged with
#: "thinking…" (Discord allows 3 s to respond, counted from the interaction's creation).
DEFER_AFTER = 1.0
#: An answer that reaches its handler this late (the bot is behind: a whole class at once) is acknowledged
#: first, before any work: the rest of its 3 s is for the queue ahead of it, not for grading.
ACK_FIRST_AFTER = 1.0
#: So is one that reaches its handler this much later than the quickest answers lately. Load bench, the
#: heaviest card, two runs each: with only the 1-second rule, 1,000 members at once had their
#: acknowledgement by 1.50-1.54 s (p99); with this rule by 0.90-0.94 s, the empty handler's own 1.06-1.14 s.
#: When the class answers within a second, the bot keeps up and answers each in one response: 534-611 a
#: second, p99 0.7-0.9 s, against 330-361 a second when 32 answers in progress meant acknowledging first.
ACK_FIRST_BEHIND = 0.1

#: What a member sees: the text, or an embed.
Rendered = tuple[str | None, discord.Embed | None]
T = TypeVar("T")

_late = {"acks": 0}


async def answer_in_time(
    interaction: discord.Interaction,
    lang: str,
    work: Awaitable[T],
    render: Callable[[T, str], Rendered],
    *,
    not_recorded: str,
    feedback_failed: str,
) -> bool:
    """Run ``work`` (grading and recording the answer) and give the member ``render`` of its outcome, or
    the message of the ``UserError`` it raised (``not_recorded`` when the store could not keep it), in time.
    False when the interaction was gone before its acknowledgement (the answer is kept all the same)."""
    # One-element lists: the acknowledgement, when it goes out, and the answer, once rendered; a timer
    # rather than a second task, since under load every extra task step delays the rest.
    deferring: list[asyncio.Task[bool]] = []
    ready: list[Rendered] = []

    async def acknowledge() -> bool:
        """The first response; True when it was the answer itself, ready before a slot was free."""
        async with first_response(interaction):
            if ready:  # one response instead of "thinking…" and an edit
                content, embed = ready[0]
                await interaction.response.send_message(
                    content=content, embed=embed, ephemeral=True, allowed_mentions=NO_PINGS
                )
                return True
            await interaction.response.defer(ephemeral=True, thinking=True)
            return False

    def defer() -> None:
        deferring.append(asyncio.ensure_future(acknowledge()))

    late = behind(interaction)
    waited = age_of(interaction)
    timer: asyncio.TimerHandle | None = None
    if waited >= ACK_FIRST_AFTER or late >= ACK_FIRST_BEHIND:
        defer()  # at once, before any work
    else:
        timer = asyncio.get_running_loop().call_later(max(0.0, DEFER_AFTER - waited), defer)
    refused: UserError | None = None
    try:
        if deferring:  # acknowledged: the class's other acknowledgements go before this one's work
            await after_acknowledgements(interaction)
        outcome = await work
    except UserError as error:
        refused = error
    except Outage:  # never acknowledged as recorded; the store logged it once
        refused = UserError(not_recorded)
    finally:
        if timer is not None:
            timer.cancel()
    if refused is not None:
        content, embed = refused.message(lang, DISCORD), None
    else:
        content, embed = render(outcome, lang)
    ready.append((content, embed))
    if deferring and not await _settled(deferring):  # before the follow-up
        return False  # the interaction is gone (Discord answers nothing more on it); the answer is kept
    if not deferring or not deferring[0].result():
        try:  # the response, or what the "thinking…" message becomes
            await send_private(interaction, content, embed=embed)
        except discord.HTTPException as error:
            # discord.py already retried what may be retried (429, 5xx). The answer itself is recorded
            # (or refused) either way; a new attempt gets the same grade back, never a second score.
            log.warning("could not give a member their answer's feedback: %s", error)
            if deferring and refused is None:
                await _tell_failed(interaction, t(feedback_failed, lang))
    return True


async def _settled(deferring: list[asyncio.Task[Any]]) -> bool:
    """Wait for the acknowledgement sent ahead ("thinking…"); whether Discord took it."""
    ok = True
    for task in deferring:
        try:
            await task
        except discord.HTTPException as error:
            # One line for the first and then every hundredth: under an overload, a line per answer (with
            # the cost of writing it) would only deepen the backlog that caused it.
            _late["acks"] += 1
            if _late["acks"] % 100 == 1:
                log.warning("could not acknowledge an answer in time (%d so far): %s", _late["acks"], error)
            ok = False
    return ok


async def _tell_failed(interaction: discord.Interaction, text: str) -> None:
    """The "thinking…" message could not become the feedback: say so in a follow-up, if Discord lets us."""
    try:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.HTTPException as error:
        log.warning("could not tell a member their feedback failed: %s", error)
