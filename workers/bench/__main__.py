"""`python -m workers.bench`: the benchmark, also reachable as `khabar bench`."""

import sys

from workers.bench import main

sys.exit(main())
