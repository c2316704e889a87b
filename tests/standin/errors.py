"""MongoDB's error documents, with the codes a real server sends, so pymongo
raises the same exception classes (``DuplicateKeyError``, ``OperationFailure``
with ``.code``) that it raises against MongoDB.

Codes: https://github.com/mongodb/mongo/blob/master/src/mongo/base/error_codes.yml
"""

import bson

MAX_BSON_SIZE = 16 * 1024 * 1024

CODE_NAMES = {
    2: "BadValue",
    20: "IllegalOperation",
    26: "NamespaceNotFound",
    27: "IndexNotFound",
    40: "ConflictingUpdateOperators",
    43: "CursorNotFound",
    48: "NamespaceExists",
    50: "MaxTimeMSExpired",
    59: "CommandNotFound",
    67: "CannotCreateIndex",
    79: "UnknownReplWriteConcern",
    85: "IndexOptionsConflict",
    86: "IndexKeySpecsConflict",
    100: "UnsatisfiableWriteConcern",
    238: "NotImplemented",
    10334: "BSONObjectTooLarge",
    11000: "DuplicateKey",
    17419: "Location17419",
}


class CommandError(Exception):
    """A command the server refuses: answered ``{ok: 0, code, errmsg}``, or
    as one entry of ``writeErrors`` when it is one statement of a write."""

    def __init__(self, code, message, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def document(self):
        return {
            "ok": 0.0,
            "errmsg": self.message,
            "code": self.code,
            "codeName": CODE_NAMES.get(self.code, f"Location{self.code}"),
            **self.details,
        }

    def write_error(self, index):
        return {"index": index, "code": self.code, "errmsg": self.message, **self.details}


def not_implemented(what):
    # Loud on purpose: a test must fail where the stand-in would otherwise
    # answer differently from MongoDB.
    return CommandError(238, f"the test stand-in does not emulate {what}")


def bson_size(document):
    return len(bson.encode(document))


def refuse_too_large_insert(document):
    size = bson_size(document)
    if size > MAX_BSON_SIZE:
        raise CommandError(
            10334, f"object to insert too large. size in bytes: {size}, max size: {MAX_BSON_SIZE}"
        )


def refuse_too_large_update(document):
    if bson_size(document) > MAX_BSON_SIZE:
        raise CommandError(17419, f"Resulting document after update is larger than {MAX_BSON_SIZE}")


def duplicate_key(namespace, index_name, key_pattern, key_value):
    """E11000 as MongoDB words it, with the ``keyPattern``/``keyValue`` that
    pymongo's ``DuplicateKeyError.details`` carries."""
    shown = ", ".join(f"{field}: {value!r}" for field, value in key_value.items())
    return CommandError(
        11000,
        f"E11000 duplicate key error collection: {namespace} index: {index_name} dup key: {{ {shown} }}",
        keyPattern=key_pattern,
        keyValue=key_value,
    )
