"""``python -m bot`` is the ``tutorbot`` command."""

import sys

from .cli import main

sys.exit(main())
