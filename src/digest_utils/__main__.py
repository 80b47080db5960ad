"""``python -m digest_utils``: see :mod:`digest_utils.cli`."""

import sys

from digest_utils.cli import main

sys.exit(main())
