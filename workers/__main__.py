"""`python -m workers <command>`: see `python -m workers --help`."""

import sys

from workers.cli import main

sys.exit(main())
