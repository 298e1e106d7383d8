import sys

from cpbatch.entrypoints.cli.main import main

sys.exit(main())
