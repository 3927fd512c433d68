"""``python -m bot`` is the ``tutorbot`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a grading process is spawned from it
    sys.exit(main())
