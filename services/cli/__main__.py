"""``python -m services.cli`` is the ``newsfacts`` command."""

import sys

from services.cli.main import main

sys.exit(main())
