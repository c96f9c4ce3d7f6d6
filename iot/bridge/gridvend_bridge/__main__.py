"""`python -m gridvend_bridge` runs the command line (see cli)."""

import sys

from gridvend_bridge.cli import main

sys.exit(main())
