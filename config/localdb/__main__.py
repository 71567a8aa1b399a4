import sys

from config.localdb import main

sys.exit(main(sys.argv))
