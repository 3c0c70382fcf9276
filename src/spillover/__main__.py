"""`python -m spillover`: the same as the `spillover` command."""

import sys

from spillover.cli import main

sys.exit(main())
