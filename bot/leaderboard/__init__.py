"""Leaderboards and /rank: the service (:mod:`.service`) and what it says (:mod:`.render`)."""
