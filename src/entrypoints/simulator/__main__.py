"""Run the simulator from the command line; see `cpbatch.entrypoints.simulator.cli`."""

import sys

from cpbatch.entrypoints.simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
