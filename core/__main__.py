"""``python -m core <command>``: see :mod:`core.cli`."""

import sys

from core.cli import main

sys.exit(main())
