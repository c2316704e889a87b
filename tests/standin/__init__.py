"""The MongoDB stand-in behind ``tests/mongo_standin.py``: ``wire`` frames
messages, ``server`` serves connections, ``commands`` and ``crud`` answer
them from mongomock, ``indexes``, ``cursors``, ``text_search`` and
``errors`` hold the server rules mongomock lacks."""
