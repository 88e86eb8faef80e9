"""``python -m services.evaluation``: see ``services.evaluation.command``."""

from services.evaluation.command import main

raise SystemExit(main())
