"""Reading what a reference field stores without loading the document it
points at: comparing ids must not cost a query."""

from bson import DBRef
from mongoengine.context_managers import no_dereference


def stored_reference(document, field):
    """What a reference field holds (an id, a DBRef, or a document loaded
    earlier), read with dereferencing off (thread-local in MongoEngine)."""
    with no_dereference(type(document)):
        return getattr(document, field)


def reference_id(ref):
    """The ObjectId a stored reference points at: a loaded reference is a
    DBRef until dereferenced, then a document."""
    if isinstance(ref, DBRef):
        return ref.id
    return getattr(ref, "pk", ref)
