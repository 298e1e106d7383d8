"""`python -m chaos`: the same as `python -m chaos.run`."""

import sys

from chaos.run import main

if __name__ == "__main__":
    sys.exit(main())
