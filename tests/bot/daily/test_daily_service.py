"""The daily question's core (bot.daily) on a real store with a clock the test moves: set-up checks, what the
scheduler must do, answers and their feedback, the reveal, bundled decks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.content import Content, Field
from bot.daily import render
from bot.daily.results import PostJob, RevealJob, SetupRequest
from bot.daily.rules import explain_failure, failure_code, missing_permissions, timezone_names
from bot.daily.service import DailyError, DailyService
from bot.decks.library import DeckLibrary, bundled_deck_files
from bot.decks.model import Card, Deck, Item
from bot.errors import UserErrors
from bot.i18n import MESSAGES, NBSP
from bot.rules.scheduling import DEFAULT_ANSWER_WINDOW, MAX_POST_ATTEMPTS
from bot.store import GuildSettings, Store
from tests.support import MARK, Clock

GUILD = 4242
CHANNEL = 77
ALICE, BOB = 1001, 1002
START = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)  # 07:00 in Montreal (EDT)
SLOT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # 08:00 EDT

DECK = Deck(
    title="Seasons and planets",
    language="en",
    cards=(
        Card(
            "Name the four seasons.",
            tuple(Item(a, f"About {a}.") for a in ("Spring", "Summer", "Autumn", "Winter")),
        ),
        Card("Name the first planets.", tuple(Item(a) for a in ("Mercury", "Venus", "Earth"))),
    ),
)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "tutor.db", clock=clock) as opened:
        await opened.save_deck(None, "seasons", DECK)
        yield opened


@pytest.fixture
def service(store: Store, clock: Clock) -> DailyService:
    return DailyService(store, clock)


def request(**changes: object) -> SetupRequest:
    values: dict[str, object] = {
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "time": "08:00",
        "timezone": "America/Montreal",
        "deck": "seasons",
    }
    values.update(changes)
    return SetupRequest(**values)  # type: ignore[arg-type]


async def set_up(service: DailyService, **changes: object) -> GuildSettings:
    return (await service.setup(request(**changes))).settings


async def post_for(service: DailyService, clock: Clock, at: datetime) -> int:
    """Run the scheduler's post job at ``at`` as the cog would (message id = 9000 + post id)."""
    clock.now = at
    jobs = [job for job in await service.posts.due_jobs() if isinstance(job, PostJob)]
    assert jobs, f"no post due at {at}"
    prepared = await service.posts.prepare_post(jobs[0].guild_id, jobs[0].slot)
    assert prepared is not None
    await service.posts.post_sent(prepared, CHANNEL, 9000 + prepared.post.id)
    return prepared.post.id


# ----------------------------------------------------------------------------------------------- set-up


def test_one_default_answer_window_everywhere() -> None:
    assert GuildSettings(guild_id=1).answer_window_hours * 3600 == DEFAULT_ANSWER_WINDOW.total_seconds()
    assert timedelta(hours=24) == DEFAULT_ANSWER_WINDOW


async def test_setup_saves_canonical_values_and_keeps_what_is_not_given(service: DailyService) -> None:
    result = await service.setup(
        request(time="8h30", timezone="america/montreal", days="lun-ven", guild_locale="fr-CA")
    )
    s = result.settings
    assert (s.post_time, s.timezone, s.weekdays, s.language) == (
        "08:30",
        "America/Montreal",
        set(range(5)),
        "fr",
    )
    assert s.answer_window_hours == 24 and s.channel_id == CHANNEL and not s.private_answers
    assert result.next_post == datetime(2025, 3, 10, 12, 30, tzinfo=UTC)
    text = render.setup_summary(result, "fr", MARK).text
    assert "Question du jour configurée" in text and "en semaine" in text and "2025-03-10 08:30 EDT" in text
    assert "[seasons]" in text  # deck names are escaped

    again = await set_up(service, window_hours=6, private_answers=True, teacher_role_id=5)
    assert again.weekdays == set(range(5)) and again.language == "fr"  # kept
    assert (again.answer_window_hours, again.private_answers, again.teacher_role_id) == (6, True, 5)
    third = await set_up(service, language="en")
    assert (third.language, third.answer_window_hours, third.teacher_role_id) == ("en", 6, 5)


async def test_setup_lists_every_problem_and_saves_nothing(service: DailyService, store: Store) -> None:
    with pytest.raises(UserErrors) as caught:
        await service.setup(
            request(
                time="25:61",
                timezone="Nowhere/*bold*",
                deck="missing",
                days="someday",
                window_hours=500,
                missing_permissions=("send_messages", "embed_links"),
            )
        )
    error = caught.value
    assert [p.key for p in error.problems] == [
        "scheduling.error.time_range",
        "scheduling.error.timezone_unknown",
        "scheduling.error.days_unknown",
        "scheduling.error.answer_window",
        "common.error.unknown_deck",
        "tutor.setup.error.permissions",
    ]
    english = error.message("en", MARK)
    assert english.startswith("Nothing was changed.")
    assert "“[Nowhere/*bold*]” is not a known time zone" in english  # typed text goes through escape
    assert "between 1 and 168 hours" in english
    assert f"I can't post in <#{CHANNEL}>: give my role Send Messages and Embed Links" in english
    french = error.message("fr", MARK)
    assert "Envoyer des messages et Intégrer des liens" in french
    assert await store.get_guild(GUILD) is None


async def test_a_guilds_own_deck_wins_over_a_bundled_one_of_the_same_name(
    service: DailyService, store: Store
) -> None:
    own = await store.save_deck(GUILD, "seasons", Deck(title="Our seasons", cards=(DECK.cards[0],)))
    result = await service.setup(request())
    assert result.settings.active_deck_id == own and result.deck.title == "Our seasons"
    # The one deck autocomplete offers the name once (the guild's deck shadows the bundled one).
    assert [c.value for c in await service.decks.choices(GUILD, "sea")] == ["seasons"]
    assert await service.decks.choices(GUILD, "zzz") == []


# ------------------------------------------------------------------------------------------- scheduling


async def test_posts_are_due_once_at_the_local_time(service: DailyService, clock: Clock) -> None:
    await set_up(service, window_hours=12)
    assert await service.posts.due_jobs() == []
    clock.now = SLOT - timedelta(seconds=1)
    assert await service.posts.due_jobs() == []
    clock.now = SLOT
    assert await service.posts.due_jobs() == [PostJob(GUILD, SLOT)]
    prepared = await service.posts.prepare_post(GUILD, SLOT)
    again = await service.posts.prepare_post(GUILD, SLOT)  # a second pass before the first one sent it
    assert prepared is not None and again is not None and again.post.id == prepared.post.id
    assert again.card == prepared.card
    await service.posts.post_sent(prepared, CHANNEL, 555)
    assert await service.posts.prepare_post(GUILD, SLOT) is None
    assert await service.posts.due_jobs() == []
    clock.now = SLOT + timedelta(hours=12)
    (reveal,) = await service.posts.due_jobs()
    assert isinstance(reveal, RevealJob) and reveal.post.id == prepared.post.id and not reveal.early
    assert await service.posts.reveal_sent(prepared.post.id)
    assert not await service.posts.reveal_sent(prepared.post.id)
    assert await service.posts.due_jobs() == []


async def test_a_new_post_reveals_the_open_one_early(service: DailyService, clock: Clock) -> None:
    await set_up(service)
    first = await post_for(service, clock, SLOT)
    # A manual post an hour later: that one now, and the next slot still posts.
    clock.now = SLOT + timedelta(hours=1)
    manual = await service.posts.prepare_post(GUILD)
    assert manual is not None and manual.closes_at == SLOT + timedelta(days=1)
    assert manual.card != (await service.card((await service.store.get_post(first)).card_id))  # type: ignore[union-attr]
    await service.posts.post_sent(manual, CHANNEL, 777)
    clock.now = SLOT + timedelta(days=1)
    jobs = await service.posts.due_jobs()
    # The first post's window (24 h from 08:00) and the manual one's both end at the next slot.
    assert [type(j).__name__ for j in jobs] == ["RevealJob", "RevealJob", "PostJob"]


async def test_pausing_stops_posts_but_not_reveals(service: DailyService, clock: Clock) -> None:
    await set_up(service, window_hours=2)
    post_id = await post_for(service, clock, SLOT)
    await service.set_paused(GUILD, True)
    clock.now = SLOT + timedelta(hours=2)
    assert [j.post.id for j in await service.posts.due_jobs() if isinstance(j, RevealJob)] == [post_id]
    await service.posts.reveal_sent(post_id)
    clock.now = SLOT + timedelta(days=1)
    assert await service.posts.due_jobs() == []
    status = await service.status(GUILD)
    assert status.settings.paused and "Paused" in render.status(status, "en", MARK).text
    # Resuming after 08:00 does not catch up the slot missed while paused.
    clock.now = SLOT + timedelta(days=1, hours=1)
    await service.set_paused(GUILD, False)
    assert await service.posts.due_jobs() == []
    clock.now = SLOT + timedelta(days=2)
    assert await service.posts.due_jobs() == [PostJob(GUILD, SLOT + timedelta(days=2))]


async def test_failed_posts_are_retried_with_backoff_then_left_for_the_teacher(
    service: DailyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "bot.daily")
    await set_up(service)
    clock.now = SLOT
    attempts = 0
    moment = SLOT
    for _ in range(30):  # a day of scheduler passes, every few minutes
        if await service.posts.due_jobs():
            attempts += 1
            failure = failure_code(permissions=["send_messages"])
            await service.posts.post_failed(GUILD, failure, due_since=SLOT)
        moment += timedelta(minutes=5)
        clock.now = moment
    assert attempts == MAX_POST_ATTEMPTS
    status = await service.status(GUILD)
    assert status.gave_up and status.settings.failure_count == MAX_POST_ATTEMPTS
    text = render.status(status, "en", MARK).text
    assert "Posting failed 5 times" in text and "lacks Send Messages" in text and "stopped trying" in text
    assert "posting failed (5/5)" in caplog.text
    # The next day's slot is a new start: the old failures are stale.
    clock.now = SLOT + timedelta(days=1)
    assert await service.posts.due_jobs() == [PostJob(GUILD, SLOT + timedelta(days=1))]
    assert await service.posts.post_failed(GUILD, "discord:50001:Missing Access", due_since=clock.now) == 1
    await post_for(service, clock, SLOT + timedelta(days=1, minutes=2))
    assert (await service.status(GUILD)).settings.failure_count == 0


# ---------------------------------------------------------------------------------------------- answers


async def test_answers_are_graded_once_and_feedback_keeps_the_key_secret(
    service: DailyService, clock: Clock, store: Store
) -> None:
    await set_up(service, window_hours=4)
    with pytest.raises(DailyError) as caught:
        await service.answer(GUILD, ALICE, "Spring")
    assert caught.value.key == "daily.error.no_open"
    assert f"<t:{int(SLOT.timestamp())}:F>" in caught.value.message("en", MARK)
    post_id = await post_for(service, clock, SLOT)
    card = await service.card((await store.get_post(post_id)).card_id)  # type: ignore[union-attr]
    assert card is not None
    answers = [item.answer for item in card.items]
    clock.now = SLOT + timedelta(minutes=5)

    first = await service.answer(GUILD, ALICE, f"{answers[0]} **bold**\n{answers[1]}")
    assert not first.already_answered and first.grade is not None
    text = render.feedback(first, "en", MARK).text
    total = len(answers)
    assert f"Your score: 2/{total}" in text
    assert f"✅ **[{answers[0]}]**" in text  # deck text and the member's words are escaped
    assert f"{total - 2} item" in text and all(a not in text for a in answers[2:])
    assert "+" in text and "1-day streak" in text

    second = await service.answer(GUILD, ALICE, "\n".join(answers))
    assert second.already_answered and second.result.score == first.result.score
    assert "You already answered" in render.feedback(second, "en", MARK).text
    with pytest.raises(DailyError) as caught:
        await service.answer(GUILD, BOB, "   ")
    assert caught.value.key == "daily.error.empty"

    # Through the post's message: the first grade again, or "closed" after the deadline.
    assert (await service.before_answer(GUILD, ALICE, 9000 + post_id)) is not None
    assert (await service.before_answer(GUILD, BOB, 9000 + post_id)) is None
    with pytest.raises(DailyError, match=r"daily\.error\.unknown_post"):
        await service.before_answer(GUILD, BOB, 1)
    clock.now = SLOT + timedelta(hours=4)
    with pytest.raises(DailyError, match=r"daily\.error\.closed"):
        await service.answer(GUILD, BOB, answers[0], message_id=9000 + post_id)
    late = await service.answer(GUILD, ALICE, "again", message_id=9000 + post_id)
    assert late.already_answered and "see the answer key" in render.feedback(late, "en", MARK).text


async def test_a_class_answering_at_once_reads_the_deck_card_and_open_post_once(
    service: DailyService, clock: Clock, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await set_up(service, window_hours=4)
    await post_for(service, clock, SLOT)
    clock.now = SLOT + timedelta(minutes=5)
    service = DailyService(store, clock)  # another process, say: every cache it has is empty
    reads: dict[str, int] = {"load_deck": 0, "get_card": 0, "open_post": 0}
    for name in reads:
        real = getattr(store, name)

        async def counted(*args: object, _real: object = real, _name: str = name, **kwargs: object) -> object:
            # (Grading by meaning also reads the deck without the guild's aliases, once, for its vectors.)
            reads[_name] += _name != "load_deck" or kwargs.get("guild_id") is not None
            return await _real(*args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(store, name, counted)

    outcomes = await asyncio.gather(
        *(service.answer(GUILD, 2000 + member, "Spring, Summer") for member in range(200))
    )
    assert len({o.result.member_id for o in outcomes}) == 200
    assert reads == {"load_deck": 1, "get_card": 1, "open_post": 1}


async def test_a_spray_costs_points_and_says_why(service: DailyService, clock: Clock, store: Store) -> None:
    await set_up(service)
    post_id = await post_for(service, clock, SLOT)
    card = await service.card((await store.get_post(post_id)).card_id)  # type: ignore[union-attr]
    assert card is not None
    spray = "\n".join(
        [item.answer for item in card.items] + ["Paris", "London", "Tokyo", "Berlin", "Rome", "Oslo"]
    )
    outcome = await service.answer(GUILD, BOB, spray)
    assert outcome.grade is not None and outcome.grade.penalty > 0
    assert "name nothing on this card" in render.feedback(outcome, "en", MARK).text


# ----------------------------------------------------------------------------------------------- reveal


async def test_the_reveal_shows_the_key_the_class_and_the_top(
    service: DailyService, clock: Clock, store: Store
) -> None:
    await set_up(service, window_hours=2)
    post_id = await post_for(service, clock, SLOT)
    post = await store.get_post(post_id)
    assert post is not None
    card = await service.card(post.card_id)  # type: ignore[arg-type]
    assert card is not None
    answers = [item.answer for item in card.items]
    await service.answer(GUILD, ALICE, "\n".join(answers))
    await service.answer(GUILD, BOB, answers[0])
    reveal = await service.posts.prepare_reveal(post)
    assert reveal.top_member_ids == (ALICE, BOB)
    content = render.reveal(reveal, {ALICE: "Alice", BOB: "@everyone"}, MARK)
    text = content.text
    assert "2 participants" in text and "↳ found by 100% (2/2)" in text and "↳ found by 50% (1/2)" in text
    assert "🥇 [Alice]: 100%, 10 points" in text and "🥈 [@everyone]" in text
    assert content.url == f"https://discord.com/channels/{GUILD}/{CHANNEL}/{9000 + post_id}"
    for item in card.items:
        assert f"[{item.answer}]" in text
    french = render.reveal(reveal.__class__(reveal.post, reveal.card, reveal.stats, "fr"), {}, MARK).text
    assert f"note moyenne {int(reveal.stats.average_score * 100)}{NBSP}%" in french
    assert "un ancien membre" in french  # a top scorer whose name is unknown

    # Early: the window closes now.
    clock.now = SLOT + timedelta(minutes=30)
    early = await service.posts.prepare_reveal(post, early=True)
    assert early.post.closes_at == clock.now
    closed = render.closed_question(early, MARK)
    assert closed is not None and "Closed" in closed.text


async def test_a_reveal_with_nobody(service: DailyService, clock: Clock, store: Store) -> None:
    await set_up(service, window_hours=1)
    post_id = await post_for(service, clock, SLOT)
    reveal = await service.posts.prepare_reveal(await store.get_post(post_id))  # type: ignore[arg-type]
    assert "Nobody answered this time." in render.reveal(reveal, {}, MARK).text


# ---------------------------------------------------------------------------------------------- helpers


def test_content_is_clipped_to_discords_limits() -> None:
    big = Content(
        title="t" * 300, description="d" * 5000, fields=tuple(Field("n" * 300, "v" * 2000) for _ in range(30))
    )
    clipped = big.clipped()
    assert len(clipped.title) == 256 and len(clipped.description) == 4096
    assert len(clipped.fields) == 25 and all(
        len(f.value) == 1024 and len(f.name) == 256 for f in clipped.fields
    )


def test_permissions_and_failures_in_words() -> None:
    assert missing_permissions({"view_channel": True, "send_messages": False}) == (
        "send_messages",
        "embed_links",
    )
    assert "Send Messages" in explain_failure("permissions:send_messages", "en", channel="#c")
    assert "View Channel, Send Messages and Embed Links" in explain_failure(
        "discord:50013:x", "en", channel="#c"
    )
    assert "no longer exists" in explain_failure("channel_missing", "en", channel="#c")
    assert "error 500" in explain_failure(failure_code(discord_code=500, text="boom"), "en", channel="#c")
    assert "no cards" in explain_failure("empty_deck", "en", channel="#c")


def test_timezone_names() -> None:
    found = timezone_names("america/mont")
    assert "America/Montreal" in found and all(z.startswith("America/Mont") for z in found)
    assert "America/Montreal" in timezone_names("montreal")
    assert len(timezone_names("")) == 25


def test_command_descriptions_fit_discord() -> None:
    for key, entry in MESSAGES.items():
        if key.startswith(("daily.cmd", "tutor.cmd")):
            assert all(1 <= len(text) <= 100 for text in entry.values()), key


# ------------------------------------------------------------------------------------------- bundled decks


async def test_bundled_decks(tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    curated, extra = tmp_path / "curated", tmp_path / "extra"
    curated.mkdir()
    extra.mkdir()
    (curated / "one.yaml").write_text(
        "schema: 1\ntitle: One\ncards:\n  - question: Q?\n    items: [A, B]\n", encoding="utf-8"
    )
    (curated / "notes.txt").write_text("not curated\n", encoding="utf-8")  # raw notes are not bundled
    (extra / "two.csv").write_text("Q2?,A|B\n", encoding="utf-8")
    (extra / "broken.yaml").write_text("schema: 1\ncards: []\n", encoding="utf-8")
    files = bundled_deck_files(curated, extra)
    assert [f.name for f in files] == ["one.yaml", "broken.yaml", "two.csv"]
    with caplog.at_level(logging.WARNING, "bot.daily"):
        loaded = await DeckLibrary(store).load_bundled(files)
    assert loaded == ["one", "two"]
    assert "broken.yaml" in caplog.text
    assert (await store.find_deck(GUILD, "two")) is not None
    assert await DeckLibrary(store).load_bundled(files) == [
        "one",
        "two",
    ]  # again at the next start: same decks
    assert len(await store.list_decks(None)) == 3  # with "seasons"
