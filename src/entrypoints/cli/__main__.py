import sys

from cpbatch.entrypoints.cli.entry import main

sys.exit(main())
