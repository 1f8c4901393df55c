"""`python -m lab.bench`: the benchmark (`make bench`)."""

import sys

from lab.bench import main

sys.exit(main())
