"""The SITE_ADMIN account is Administrator even when it is the first account
of a fresh database (no roles inserted yet): how a new site starts."""

from site_app.models import Role, User


def test_site_admin_registering_first_on_a_fresh_database_is_administrator(make_app):
    app = make_app(roles=False, SITE_ADMIN="owner@example.com")
    with app.app_context():
        assert Role.objects.count() == 0
        owner = User.register(email="owner@example.com", username="owner", password="correct horse battery")
        assert owner.role.name == "Administrator"
        other = User.register(email="reader@example.com", username="reader", password="correct horse battery")
        assert other.role.name == "User"
