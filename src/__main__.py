"""`python -m cpbatch`: the same as the `cpbatch` command."""

import sys

from cpbatch.entrypoints.cli.entry import main

sys.exit(main())
