"""What the models announce. Listeners live in the layers above (the page
cache subscribes to ``content_changed``), so models never import them."""
from blinker import Namespace

_signals = Namespace()

# Sent after an atomic update changed what readers see (a comment added,
# hidden or removed; a post edited in place). Saves and deletions through
# MongoEngine are announced by its own post_save/post_delete signals.
content_changed = _signals.signal("content-changed")
