"""Practice: private sessions with spaced repetition (:mod:`.service`), what they say (:mod:`.render`), and
the terminal session (:mod:`.terminal`)."""
