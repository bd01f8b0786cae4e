"""``python -m permitflow``: the ``permitflow`` command."""

import sys

from permitflow.cli import main

sys.exit(main())
