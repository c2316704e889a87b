"""Permissions and roles."""

from ..extensions import db


class Permission:
    FOLLOW = 1
    COMMENT = 2
    WRITE = 4
    MODERATE = 8
    ADMIN = 16


class Role(db.Document):
    name = db.StringField(required=True, max_length=64, unique=True)
    default = db.BooleanField(default=False)
    permissions = db.IntField(default=0)

    # Indexes are built by deploy (site_app/indexes.py), never by a request.
    meta = {"collection": "roles", "indexes": ["default"], "auto_create_index": False}

    ROLES = {
        "User": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE],
        "Moderator": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE],
        "Administrator": [
            Permission.FOLLOW,
            Permission.COMMENT,
            Permission.WRITE,
            Permission.MODERATE,
            Permission.ADMIN,
        ],
    }
    DEFAULT_ROLE = "User"

    def has_permission(self, perm):
        return self.permissions & perm == perm

    @classmethod
    def insert_roles(cls):
        """Create or update the three roles; returns the names it changed."""
        changed = []
        for name, perms in cls.ROLES.items():
            permissions = sum(perms)
            default = name == cls.DEFAULT_ROLE
            result = cls._get_collection().update_one(
                {"name": name}, {"$set": {"permissions": permissions, "default": default}}, upsert=True
            )
            if result.upserted_id is not None or result.modified_count:
                changed.append(name)
        return changed

    @classmethod
    def default_role(cls):
        role = cls.objects(default=True).first()
        if role is None:
            cls.insert_roles()
            role = cls.objects(default=True).first()
        return role

    @classmethod
    def named(cls, name):
        role = cls.objects(name=name).first()
        if role is None and name in cls.ROLES:
            # A fresh database: the first account (often SITE_ADMIN) must not
            # fall back to the default role because the roles are not there yet.
            cls.insert_roles()
            role = cls.objects(name=name).first()
        return role

    def __str__(self):
        return self.name
