"""Messages of the tutor feature (its embeds, feedback and command descriptions)."""

MESSAGES: dict[str, dict[str, str]] = {}
