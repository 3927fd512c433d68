"""The live quiz: the game (:mod:`.game`), its loop and running quizzes (:mod:`.service`), what it says
(:mod:`.render`)."""
