"""Every moderator and administrator action is in the audit log, shown
read only in the admin and kept a year."""

from helpers import signed_in_client

from site_app.models import Post, Role
from site_app.models.audit import KEEP_DAYS, AuditEntry


def _log(admin_client):
    return admin_client.get("/admin/admin_audit/").get_data(as_text=True)


def test_moderators_hiding_and_deleting_comments_are_logged(app, make_user):
    ann = make_user("ann")
    post = Post.publish(ann, "Post", "body")
    rude, worse = post.add_comment(ann, "rude"), post.add_comment(ann, "worse")
    mod = signed_in_client(app, make_user("mo", role="Moderator"))
    mod.post(f"/moderate/disable/{rude.id}")
    mod.post(f"/moderate/enable/{rude.id}")
    mod.post(f"/comment/{worse.id}/delete")
    signed_in_client(app, ann).post(f"/comment/{rude.id}/delete")  # the author's own: not logged
    entries = AuditEntry.objects.order_by("created", "id")
    assert [(e.actor_name, e.action, e.target) for e in entries] == [
        ("mo", "hide comment", f"comment:{rude.id}"),
        ("mo", "show comment", f"comment:{rude.id}"),
        ("mo", "delete comment", f"comment:{worse.id}"),
    ]
    assert entries[2].detail == "worse"


def test_administrators_actions_are_logged_and_shown_in_the_admin(app, make_user):
    root = make_user("root", role="Administrator")
    ann, bob = make_user("ann"), make_user("bob")
    post = Post.publish(ann, "Spam post", "body")
    admin = signed_in_client(app, root)
    assert (
        admin.post(
            f"/admin/admin_users/edit/?id={ann.id}",
            data={
                "username": "ann",
                "email": "ann@example.com",
                "role": str(Role.named("Moderator").id),
                "confirmed": "y",
                "account_disabled": "y",
            },
        ).status_code
        == 302
    )
    admin.post("/admin/admin_users/action/", data={"action": "enable", "rowid": [str(ann.id)]})
    admin.post("/admin/admin_posts/delete/", data={"id": str(post.id)})
    assert (
        admin.post(
            f"/edit-profile/{bob.id}",
            data={"email": "bob@example.com", "username": "bob", "confirmed": "y", "role": "Moderator"},
        ).status_code
        == 302
    )
    actions = [(e.action, e.target, e.detail) for e in AuditEntry.objects.order_by("created", "id")]
    assert actions == [
        ("change role", "user:ann", "User → Moderator"),
        ("disable account", "user:ann", ""),
        ("enable account", "user:ann", ""),
        ("delete post", f"post:{post.id}", "Spam post"),
        ("change role", "user:bob", "User → Moderator"),
    ]
    page = _log(admin)
    assert "change role" in page and "User → Moderator" in page and "root" in page
    # Read only: nothing to create, edit or delete.
    assert "/admin/admin_audit/new/" not in page and "/admin/admin_audit/edit/" not in page
    assert admin.get("/admin/admin_audit/new/").status_code == 302
    assert AuditEntry.objects.count() == 5


def test_the_audit_log_is_for_administrators_only(app, make_user):
    assert (
        signed_in_client(app, make_user("mo", role="Moderator")).get("/admin/admin_audit/").status_code == 403
    )


def test_entries_expire_after_a_year():
    ttl = [spec for spec in AuditEntry._meta["index_specs"] if spec.get("expireAfterSeconds") is not None]
    assert [(s["fields"], s["expireAfterSeconds"]) for s in ttl] == [
        ([("created", 1)], KEEP_DAYS * 24 * 3600)
    ]
    assert KEEP_DAYS == 365
