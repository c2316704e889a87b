"""``@username`` in a post or comment: which names are members, found in
one query for the whole text, and their profile links."""

from flask import current_app

from ..markup import mentioned_names
from .signals import users_mentioned
from .users import User


class Mentions(dict):
    """The members a text mentions: username -> user id."""

    @classmethod
    def in_text(cls, text):
        """One query for every name of the text (served by the unique
        ``username`` index), none when it names nobody."""
        names = mentioned_names(text)
        if not names:
            return cls()
        return cls((user.username, user.id) for user in User.objects(username__in=names).only("username"))

    def links(self):
        """name -> profile path, for the renderer. Built from the URL map
        (not ``url_for``): texts are also written outside requests (seed, CLI)."""
        urls = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
        return {name: urls.build("profiles.user", {"username": name}) for name in self}

    def announce(self, sender, author, post, comment=None, html=None):
        """Tell the listeners (notifications) whom the text (``html``) mentions."""
        if self:
            users_mentioned.send(
                sender, users=list(self.values()), author=author, post=post, comment=comment, html=html
            )
