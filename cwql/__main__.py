"""``python -m cwql``: the same as the ``cwql`` command."""

import sys

from ._cli import main

sys.exit(main())
