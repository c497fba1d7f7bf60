# Nynorsk writes dates, times and numbers as bokmål does.
from portal.formats.nb.formats import *  # noqa: F401,F403
