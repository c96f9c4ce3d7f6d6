"""``python -m gridvend.sts batch``: see gridvend.sts.batch."""

import sys

from gridvend.sts.batch import main

sys.exit(main())
