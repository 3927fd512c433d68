"""The database schema as numbered migrations; ``PRAGMA user_version`` says how many have run.

Rules for changing it: never edit a migration that has shipped, append a new one. Each migration runs in
its own transaction together with the ``user_version`` bump, so a crash leaves the file at one version or
the next, never in between.

Conventions: timestamps are INTEGER seconds since the epoch, UTC. Discord ids (guilds, channels, members,
messages, roles) are INTEGER snowflakes. Booleans are 0/1. Lists are JSON text.
"""

from __future__ import annotations

# Version 1: guild settings, decks, daily posts, answers and the per-member totals.
_V1_DAILY = (
    """
    CREATE TABLE decks (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: answers keep a copy of it
        guild_id    INTEGER,                            -- NULL: a bundled deck every guild sees
        name        TEXT    NOT NULL COLLATE NOCASE,
        title       TEXT    NOT NULL,
        language    TEXT    NOT NULL,
        source      TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    )
    """,
    # coalesce: UNIQUE treats NULLs as distinct, and bundled names must be unique too.
    "CREATE UNIQUE INDEX decks_guild_name ON decks (coalesce(guild_id, 0), name)",
    """
    CREATE TABLE cards (
        id        INTEGER PRIMARY KEY,
        deck_id   INTEGER NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
        position  INTEGER,          -- NULL: retired by a re-import, kept because posts or reviews use it
        question  TEXT    NOT NULL,
        line      INTEGER
    )
    """,
    "CREATE UNIQUE INDEX cards_deck_position ON cards (deck_id, position)",
    """
    CREATE TABLE items (
        card_id   INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
        position  INTEGER NOT NULL,
        answer    TEXT    NOT NULL,
        detail    TEXT    NOT NULL DEFAULT '',
        aliases   TEXT    NOT NULL DEFAULT '[]',
        PRIMARY KEY (card_id, position)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE guilds (
        guild_id             INTEGER PRIMARY KEY,
        channel_id           INTEGER,
        post_time            TEXT    NOT NULL DEFAULT '08:00',
        timezone             TEXT    NOT NULL DEFAULT 'UTC',
        days_mask            INTEGER NOT NULL DEFAULT 127 CHECK (days_mask BETWEEN 0 AND 127),
        active_deck_id       INTEGER REFERENCES decks (id) ON DELETE RESTRICT,
        answer_window_hours  INTEGER NOT NULL DEFAULT 24 CHECK (answer_window_hours BETWEEN 1 AND 168),
        language             TEXT    NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
        teacher_role_id      INTEGER,
        private_answers      INTEGER NOT NULL DEFAULT 0 CHECK (private_answers IN (0, 1)),
        paused               INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        failure_count        INTEGER NOT NULL DEFAULT 0,
        last_error           TEXT,
        last_failure_at      INTEGER,
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL
    )
    """,
    "CREATE INDEX guilds_active_deck ON guilds (active_deck_id)",
    """
    CREATE TABLE posts (
        id           INTEGER PRIMARY KEY,
        guild_id     INTEGER NOT NULL,
        deck_id      INTEGER,         -- copy of the card's deck; kept when the deck is removed
        card_id      INTEGER REFERENCES cards (id) ON DELETE SET NULL,
        channel_id   INTEGER,
        message_id   INTEGER,
        slot         INTEGER NOT NULL,  -- the scheduled time this post is for
        claimed_at   INTEGER NOT NULL,
        posted_at    INTEGER,           -- NULL until the message is sent
        closes_at    INTEGER NOT NULL,
        revealed_at  INTEGER,
        UNIQUE (guild_id, slot)        -- one post per guild per slot: posting is idempotent
    )
    """,
    "CREATE INDEX posts_card ON posts (card_id)",
    # Small: only the posts still waiting for their reveal.
    "CREATE INDEX posts_unrevealed ON posts (closes_at) WHERE revealed_at IS NULL",
    """
    CREATE TABLE answers (
        id           INTEGER PRIMARY KEY,
        post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        guild_id     INTEGER NOT NULL,  -- copies of the post's, for the leaderboard indexes
        deck_id      INTEGER,
        member_id    INTEGER NOT NULL,
        reply        TEXT    NOT NULL,
        matched      TEXT    NOT NULL DEFAULT '[]',  -- credited item positions
        score        REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
        points       INTEGER NOT NULL,
        answered_at  INTEGER NOT NULL,
        UNIQUE (post_id, member_id)    -- one scored answer per member per post
    )
    """,
    # Covering indexes: a period leaderboard reads only the index, never the table.
    "CREATE INDEX answers_guild_time ON answers (guild_id, answered_at, member_id, points)",
    "CREATE INDEX answers_guild_deck_time ON answers (guild_id, deck_id, answered_at, member_id, points)",
    "CREATE INDEX answers_member ON answers (guild_id, member_id, answered_at)",
    """
    CREATE TABLE member_totals (
        guild_id      INTEGER NOT NULL,
        member_id     INTEGER NOT NULL,
        points        INTEGER NOT NULL DEFAULT 0,
        answers       INTEGER NOT NULL DEFAULT 0,
        score_sum     REAL    NOT NULL DEFAULT 0,
        streak        INTEGER NOT NULL DEFAULT 0,
        best_streak   INTEGER NOT NULL DEFAULT 0,
        last_post_id  INTEGER,          -- the answered post with the latest slot
        last_slot     INTEGER,
        last_answered_at INTEGER,
        PRIMARY KEY (guild_id, member_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE deck_totals (
        guild_id   INTEGER NOT NULL,
        deck_id    INTEGER NOT NULL,
        member_id  INTEGER NOT NULL,
        points     INTEGER NOT NULL DEFAULT 0,
        answers    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (guild_id, deck_id, member_id)
    ) WITHOUT ROWID
    """,
    # A trigger rather than a statement in record_answer: the totals change with the answer row in the
    # same statement, without another round trip to the database thread.
    """
    CREATE TRIGGER answers_deck_totals AFTER INSERT ON answers WHEN new.deck_id IS NOT NULL
    BEGIN
        INSERT INTO deck_totals (guild_id, deck_id, member_id, points, answers)
        VALUES (new.guild_id, new.deck_id, new.member_id, new.points, 1)
        ON CONFLICT (guild_id, deck_id, member_id)
        DO UPDATE SET points = points + excluded.points, answers = answers + 1;
    END
    """,
)

# Version 2: practice (spaced repetition per member and card, practice points apart from the daily ones).
_V2_PRACTICE = (
    """
    CREATE TABLE reviews (
        member_id    INTEGER NOT NULL,
        card_id      INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
        guild_id     INTEGER,          -- where it was last practised; NULL in direct messages
        state        TEXT    NOT NULL, -- the fsrs card, as JSON
        due          INTEGER NOT NULL,
        reviews      INTEGER NOT NULL DEFAULT 0,
        updated_at   INTEGER NOT NULL,
        PRIMARY KEY (member_id, card_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX reviews_member_due ON reviews (member_id, due)",
    "CREATE INDEX reviews_card ON reviews (card_id)",
    "CREATE INDEX reviews_guild_member ON reviews (guild_id, member_id)",
    """
    CREATE TABLE practice_answers (
        id           INTEGER PRIMARY KEY,
        guild_id     INTEGER,
        member_id    INTEGER NOT NULL,
        deck_id      INTEGER,
        card_id      INTEGER,
        score        REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
        points       INTEGER NOT NULL,
        answered_at  INTEGER NOT NULL
    )
    """,
    "CREATE INDEX practice_answers_guild_time ON practice_answers (guild_id, answered_at, member_id, points)",
    "CREATE INDEX practice_answers_member ON practice_answers (guild_id, member_id)",
    """
    CREATE TABLE practice_sessions (
        guild_id    INTEGER,
        member_id   INTEGER NOT NULL,
        state       TEXT    NOT NULL,  -- JSON owned by the practice feature
        updated_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    )
    """,
    "CREATE UNIQUE INDEX practice_sessions_member ON practice_sessions (coalesce(guild_id, 0), member_id)",
)

# Version 3: live quiz results, their own leaderboard category.
_V3_QUIZ = (
    """
    CREATE TABLE quiz_results (
        id           INTEGER PRIMARY KEY,
        guild_id     INTEGER NOT NULL,
        quiz_id      TEXT    NOT NULL,  -- one live quiz; chosen by the quiz feature
        member_id    INTEGER NOT NULL,
        deck_id      INTEGER,
        points       INTEGER NOT NULL,
        rounds       INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        UNIQUE (guild_id, quiz_id, member_id)
    )
    """,
    "CREATE INDEX quiz_results_guild_time ON quiz_results (guild_id, finished_at, member_id, points)",
    "CREATE INDEX quiz_results_member ON quiz_results (guild_id, member_id)",
)

# Version 4: all-time leaderboards read their first page and count "members with more points" from an index
# instead of ranking every member of the guild.
_V4_RANKING = (
    "CREATE INDEX member_totals_points ON member_totals (guild_id, points DESC, member_id)",
    "CREATE INDEX deck_totals_points ON deck_totals (guild_id, deck_id, points DESC, member_id)",
)

# Version 5 (issue 10, "Editing in Discord"): the card a teacher queued
# with /tutor next as the guild's next daily question. Posted once, then cleared (in the claim's
# transaction); a card that is deleted clears it too.
_V5_NEXT_CARD = (
    "ALTER TABLE guilds ADD COLUMN next_card_id INTEGER REFERENCES cards (id) ON DELETE SET NULL",
)

# Version 6: the daily post reaches the class (a role pinged on each post, a thread per question, one reminder
# before the deadline: what each post did is kept, so a restarted bot does none of it twice), and members'
# display names as the bot last saw them (the bot has no member list), for the reveal, leaderboards, export.
_V6_CLASS = (
    "ALTER TABLE guilds ADD COLUMN ping_role_id INTEGER",
    "ALTER TABLE guilds ADD COLUMN open_thread INTEGER NOT NULL DEFAULT 0 CHECK (open_thread IN (0, 1))",
    # Hours before the deadline; NULL: no reminder.
    "ALTER TABLE guilds ADD COLUMN reminder_hours INTEGER CHECK (reminder_hours BETWEEN 1 AND 167)",
    # The thread opened on the post (Discord gives it the message's id); 0: none could be opened.
    "ALTER TABLE posts ADD COLUMN thread_id INTEGER",
    "ALTER TABLE posts ADD COLUMN reminded_at INTEGER",
    """
    CREATE TABLE member_names (
        guild_id      INTEGER NOT NULL,
        member_id     INTEGER NOT NULL,
        display_name  TEXT    NOT NULL,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (guild_id, member_id)
    )
    """,
)

# Version 9 (issue 13): what the bot is about to
# send, recorded before it sends, so a restart adopts a message Discord accepted instead of sending it again
# (the post's button and the reveal's link, or the nonce, find it in the channel's history); and each quiz
# round's points, recorded as the round closes, so a quiz cut short by a crash keeps what was played.
_V9_INTENTS = (
    """
    CREATE TABLE send_intents (
        post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        kind        TEXT    NOT NULL CHECK (kind IN ('post', 'reveal')),
        guild_id    INTEGER NOT NULL,
        channel_id  INTEGER NOT NULL,
        nonce       TEXT    NOT NULL,  -- sent with enforce_nonce: Discord itself refuses a double
        started_at  INTEGER NOT NULL,
        PRIMARY KEY (post_id, kind)
    )
    """,
    "CREATE INDEX send_intents_guild ON send_intents (guild_id)",
    """
    CREATE TABLE quiz_rounds (
        guild_id    INTEGER NOT NULL,
        quiz_id     TEXT    NOT NULL,
        round       INTEGER NOT NULL,
        channel_id  INTEGER NOT NULL,
        deck_id     INTEGER,
        member_id   INTEGER NOT NULL,
        points      INTEGER NOT NULL,
        closed_at   INTEGER NOT NULL,
        PRIMARY KEY (guild_id, quiz_id, round, member_id)
    )
    """,
)

# Version 7 (issue 8, the teacher closes the loop): aliases a teacher accepted
# from what the class typed, by guild, card and item key (apart from the deck's own, so they can be listed and
# removed and survive a re-import that keeps the card and the item), and the notices owed to members whose
# answer a re-grading raised (told once, the next time they use the bot).
_V7_TAUGHT_ALIASES = (
    """
    CREATE TABLE taught_aliases (
        guild_id  INTEGER NOT NULL,
        card_id   INTEGER NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
        answer    TEXT    NOT NULL,  -- the key of the item it is an alias of
        alias     TEXT    NOT NULL,  -- as accepted
        norm      TEXT    NOT NULL,  -- normalised (case, accents, spaces): one alias per item and form
        added_by  INTEGER,
        added_at  INTEGER NOT NULL,
        PRIMARY KEY (guild_id, card_id, answer, norm)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX taught_aliases_card ON taught_aliases (card_id)",
    """
    CREATE TABLE regrade_notices (
        guild_id    INTEGER NOT NULL,
        member_id   INTEGER NOT NULL,
        post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        old_score   REAL    NOT NULL,  -- the grade the member last saw
        new_score   REAL    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (guild_id, member_id, post_id)
    ) WITHOUT ROWID
    """,
)

# Version 8 (issue 12, shards): the lease on a post's next step. A process about to
# send a claimed post, or to reveal a sent one, first takes the lease (until then + a few minutes): two
# processes running the same shard never both send, and a process killed mid-send leaves a lease that
# expires, so another one (or the restarted one) finishes the job.
_V8_POST_LEASE = ("ALTER TABLE posts ADD COLUMN lease_until INTEGER",)

# Version 10 (issue 8 §1): the vectors grading by meaning computes from a deck's items, aliases and details,
# kept with the deck (store/vectors.py): a restart restores them instead of embedding the deck again. Keyed
# by the model that made them, which another model never reads; a guild's row holds only what its teachers'
# accepted aliases add to the deck's own texts (guild_id 0). Blobs of hundreds of kB: not WITHOUT ROWID.
_V10_DECK_VECTORS = (
    """
    CREATE TABLE deck_vectors (
        deck_id     INTEGER NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
        guild_id    INTEGER NOT NULL,  -- 0: the deck's own texts; a guild: the texts its taught aliases add
        model       TEXT    NOT NULL,  -- the model's name and version
        digest      TEXT    NOT NULL,  -- of the texts the vectors were made for
        vectors     BLOB    NOT NULL,  -- bot.grading.semantic.embeddings_blob
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (deck_id, guild_id, model)
    )
    """,
    "CREATE INDEX deck_vectors_guild ON deck_vectors (guild_id)",
)

#: MIGRATIONS[n] takes a database from version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _V1_DAILY, _V2_PRACTICE, _V3_QUIZ, _V4_RANKING,
    _V5_NEXT_CARD, _V6_CLASS, _V7_TAUGHT_ALIASES, _V8_POST_LEASE, _V9_INTENTS, _V10_DECK_VECTORS,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)
