"""Adding addresses to a writer's list (always through the opt-in mail) and
the list as CSV, out and in."""

import csv
import io

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..email import send_email
from ..models.subscriptions import Subscription
from ..models.users import normalise_email
from ..public_address import site_url_for
from ..tokens import CONFIRM_SUBSCRIPTION, make_token

CSV_HEADER = ("email", "subscribed_at")


def ask_to_confirm(writer, email):
    """Put ``email`` on the writer's list as pending and mail it the link
    that activates it; an address already active is left as it is, and told
    nothing (the person asking sees the same answer either way). The mail is
    in the language of the page that asked (send_email: no account to ask)."""
    subscription = Subscription.request(writer.id, email)
    if subscription.active:
        return
    token = make_token(CONFIRM_SUBSCRIPTION, str(subscription.id))
    send_email(
        subscription.email,
        _l("Confirm your subscription to %(writer)s", writer=writer.name or writer.username),
        "subscription_confirm",
        writer=writer,
        url=site_url_for("subscriptions.confirm", token=token),
    )


def export_lines(writer_id):
    """The writer's active subscribers as CSV lines, read in index order."""
    yield _csv_line(CSV_HEADER)
    for subscription in Subscription.active_of(writer_id).only("email", "confirmed_at"):
        moment = subscription.confirmed_at or subscription.created
        yield _csv_line((subscription.email, moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""))


def _csv_line(cells):
    out = io.StringIO()
    # Cells a spreadsheet would run as a formula are quoted as text.
    csv.writer(out).writerow([f"'{cell}" if cell[:1] in "=+-@" else cell for cell in cells])
    return out.getvalue()


class ImportRefused(ValueError):
    """The file cannot be read as a list of addresses (its reason is the message)."""


def read_addresses(upload):
    """The addresses of an uploaded CSV (first column; a header row and
    blank rows skipped) and the rows that hold no valid address."""
    limit = current_app.config["SUBSCRIBER_IMPORT_MAX_BYTES"]
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ImportRefused(_("The file is larger than %(size)d KB; split it.", size=limit // 1024))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not UTF-8 text: save it as CSV (UTF-8).")) from None
    addresses, invalid = [], []
    for row in csv.reader(io.StringIO(text)):
        cell = row[0].strip() if row else ""
        if not cell or normalise_email(cell) in CSV_HEADER:
            continue
        try:
            addresses.append(validate_email(cell, check_deliverability=False).normalized)
        except EmailNotValidError:
            invalid.append(cell)
    rows = current_app.config["SUBSCRIBER_IMPORT_MAX_ROWS"]
    if len(addresses) > rows:
        raise ImportRefused(
            ngettext(
                "The file holds %(num)d address; at most %(rows)d at once.",
                "The file holds %(num)d addresses; at most %(rows)d at once.",
                len(addresses),
                rows=rows,
            )
        )
    return list(dict.fromkeys(normalise_email(a) for a in addresses)), invalid


def import_addresses(writer, upload):
    """Send the opt-in mail to each address of the file; returns how many
    were asked, and the rows refused. Raises :class:`ImportRefused`."""
    addresses, invalid = read_addresses(upload)
    # Mailed on the writer's word to people the site knows nothing of: in the
    # site's language, not the one of the writer's page.
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        for address in addresses:
            ask_to_confirm(writer, address)
    return len(addresses), invalid
