"""`python -m experiments.cli`: the `attrition` command."""

import sys

from experiments.cli import main

sys.exit(main())
