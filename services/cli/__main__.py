"""``python -m services.cli`` is the ``newsfacts`` command."""

import sys

from services.cli import main

sys.exit(main())
