"""`python -m lab.bench`: the benchmark, also reachable as `khabar bench`."""

import sys

from lab.bench import main

sys.exit(main())
