"""Configuration: one class per environment, chosen by name (see ``config``).

Every value can come from the environment; the README's Configuration table
lists the names, which deployments rely on.
"""

import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # The public address: links written for later (emails, feeds) are built
    # on it, and production answers no other Host (site_app/public_address.py).
    SITE_URL = os.environ.get("SITE_URL") or None
    # Trusted proxies in front (nginx: 1); their X-Forwarded-* are believed.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    # Database. Unset MONGODB_URI means the embedded mongomock backend
    # (development and testing only).
    MONGODB_URI = os.environ.get("MONGODB_URI") or None
    MONGODB_DB = os.environ.get("MONGODB_DB", "site")
    MONGODB_SERVER_SELECTION_TIMEOUT_MS = _env_int("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 5000)
    MONGODB_APP_NAME = os.environ.get("MONGODB_APP_NAME", "site_app")
    MONGODB_MAX_POOL_SIZE = _env_int("MONGODB_MAX_POOL_SIZE", 100)
    # Every operation's client-side budget (pymongo's timeoutMS): with the
    # database hung a request answers 503 after this, not after minutes.
    MONGODB_TIMEOUT_MS = _env_int("MONGODB_TIMEOUT_MS", 5000)
    # "majority": an acknowledged write survives the primary's loss (w:1 can
    # be rolled back); costs a round trip to a secondary per write.
    MONGODB_WRITE_CONCERN = os.environ.get("MONGODB_WRITE_CONCERN", "majority")
    # Commands slower than this are logged with their filter (real MongoDB).
    SLOW_QUERY_MS = _env_int("SLOW_QUERY_MS", 100)

    # Accounts and mail.
    SITE_NAME = os.environ.get("SITE_NAME", "Inkwell")
    SITE_ADMIN = os.environ.get("SITE_ADMIN")
    SITE_MAIL_SUBJECT_PREFIX = os.environ.get("SITE_MAIL_SUBJECT_PREFIX", "[Inkwell]")
    SITE_MAIL_SENDER = os.environ.get("SITE_MAIL_SENDER", "Inkwell <noreply@inkwell.example>")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # unset: mail is written to the log
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = SITE_MAIL_SENDER
    # Newsletter mails sent a minute (site_app/subscriptions/sending.py): one
    # batch a minute, so a mail provider's hourly quota is never passed.
    MAIL_RATE_PER_MINUTE = _env_int("MAIL_RATE_PER_MINUTE", 100)
    SUBSCRIPTION_CONFIRM_MAX_AGE = _env_int("SUBSCRIPTION_CONFIRM_MAX_AGE", 7 * 24 * 3600)
    # A writer's CSV import of addresses they already had: each gets the opt-in mail.
    SUBSCRIBER_IMPORT_MAX_BYTES = _env_int("SUBSCRIBER_IMPORT_MAX_BYTES", 256 * 1024)
    SUBSCRIBER_IMPORT_MAX_ROWS = _env_int("SUBSCRIBER_IMPORT_MAX_ROWS", 2000)
    SUBSCRIBER_IMPORT_RATE_LIMIT = os.environ.get("SUBSCRIBER_IMPORT_RATE_LIMIT", "5 per day")
    CONFIRM_TOKEN_MAX_AGE = _env_int("CONFIRM_TOKEN_MAX_AGE", 24 * 3600)
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 3600)
    API_TOKEN_EXPIRATION = _env_int("API_TOKEN_EXPIRATION", 3600)
    # Moderators and administrators must set up two-factor sign-in before
    # anything else (on in production, see ProductionConfig).
    TWO_FACTOR_REQUIRED_FOR_STAFF = _env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", False)
    # "Trust this device" skips the code in that browser this long.
    TWO_FACTOR_TRUST_DAYS = _env_int("TWO_FACTOR_TRUST_DAYS", 30)
    # `flask notifications digest` (daily, from cron) emails unread notifications.
    NOTIFICATION_DIGEST = _env_bool("NOTIFICATION_DIGEST", False)
    # last_seen is written at most this often per user.
    LAST_SEEN_INTERVAL = timedelta(seconds=_env_int("LAST_SEEN_INTERVAL", 60))
    # werkzeug's default (scrypt). Testing lowers the cost: hashing is most of
    # the suite's time otherwise, and the strength of a test password is moot.
    PASSWORD_HASH_METHOD = "scrypt"
    # Sessions live on the server (site_app/sessions.py): one idle this long
    # is deleted by its TTL index; "keep me logged in" keeps the cookie as long.
    PERMANENT_SESSION_LIFETIME = timedelta(days=_env_int("SESSION_LIFETIME_DAYS", 14))
    # A visitor's session before signing in (a form's CSRF token): every
    # cookie-less visit to a form stores one, so it lives briefly.
    ANONYMOUS_SESSION_MINUTES = _env_int("ANONYMOUS_SESSION_MINUTES", 60)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # Content.
    POSTS_PER_PAGE = _env_int("POSTS_PER_PAGE", 20)
    COMMENTS_PER_PAGE = _env_int("COMMENTS_PER_PAGE", 30)
    FOLLOWERS_PER_PAGE = _env_int("FOLLOWERS_PER_PAGE", 50)
    MAX_COMMENTS_PER_POST = _env_int("MAX_COMMENTS_PER_POST", 5000)
    # BSON bytes all comments of a post may take: half MongoDB's 16 MB limit,
    # leaving room for the post itself whatever the comments' length.
    MAX_COMMENT_BYTES = _env_int("MAX_COMMENT_BYTES", 8 * 1024 * 1024)
    MAX_REVISIONS = _env_int("MAX_REVISIONS", 50)  # earlier texts kept a post

    # Uploads.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    # An imported zip (site_app/imports/archive.py): bounds on what it inflates
    # to, counted while reading (per file, in all, and against its stored size).
    IMPORT_MAX_MEMBERS = _env_int("IMPORT_MAX_MEMBERS", 20_000)
    IMPORT_MAX_MEMBER_BYTES = _env_int("IMPORT_MAX_MEMBER_BYTES", 32 * 1024 * 1024)
    IMPORT_MAX_TOTAL_BYTES = _env_int("IMPORT_MAX_TOTAL_BYTES", 128 * 1024 * 1024)
    IMPORT_MAX_RATIO = _env_int("IMPORT_MAX_RATIO", 100)
    # Uploads to /import a writer may send (each keeps its file until its job ends).
    IMPORT_RATE_LIMIT = os.environ.get("IMPORT_RATE_LIMIT", "10 per hour")
    MAX_IMAGE_DIMENSION = _env_int("MAX_IMAGE_DIMENSION", 2000)
    # An avatar's file: below the request limit, so a larger one is still
    # read and refused on the profile form, with the text typed beside it kept.
    MAX_AVATAR_BYTES = _env_int("MAX_AVATAR_BYTES", 8 * 1024 * 1024)
    THUMBNAIL_SIZE = _env_int("THUMBNAIL_SIZE", 400)
    # The decoding budget of one image, width x height x frames: images
    # declaring more are refused before any pixel is decoded.
    MAX_IMAGE_PIXELS = _env_int("MAX_IMAGE_PIXELS", 25_000_000)
    # `media gc` leaves unattached uploads younger than this alone.
    MEDIA_GC_GRACE_HOURS = _env_int("MEDIA_GC_GRACE_HOURS", 24)
    ALLOWED_ATTACHMENT_TYPES = tuple(
        os.environ.get("ALLOWED_ATTACHMENT_TYPES", "application/pdf,text/plain").split(",")
    )

    # Rate limits (Flask-Limiter). A shared store (redis://, memcached://)
    # lets several processes share counters.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # With the shared store away, limits count per process (Flask-Limiter's
    # in-memory fallback) instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Files one account may upload (every way in), refused ones included.
    UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "60 per hour")
    # Comments, replies and edits one account may send (site and API).
    COMMENT_RATE_LIMIT = os.environ.get("COMMENT_RATE_LIMIT", "10 per minute")
    # Reports one account may file (POST /report).
    REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "20 per hour")
    # Subscribing to a writer's newsletter: requests one address may make,
    # and one writer may receive (floods of either are refused with a 429).
    SUBSCRIBE_RATE_LIMIT = os.environ.get("SUBSCRIBE_RATE_LIMIT", "5 per hour")
    SUBSCRIBE_TARGET_RATE_LIMIT = os.environ.get("SUBSCRIBE_TARGET_RATE_LIMIT", "100 per hour")
    # What an account may publish in its first day (posts, comments); 0: no limit.
    NEW_ACCOUNT_DAILY_POSTS = _env_int("NEW_ACCOUNT_DAILY_POSTS", 3)
    NEW_ACCOUNT_DAILY_COMMENTS = _env_int("NEW_ACCOUNT_DAILY_COMMENTS", 10)

    # Background jobs (site_app/jobs.py). JOBS_REDIS_URL set: RQ on that
    # Redis, run by `flask --app site_app worker`; unset: a thread in the web
    # process. Retries wait these many seconds in turn, then the job is failed
    # (listed in the admin, retryable). Short Redis timeouts: a Redis that
    # hangs must not hang a page that sends mail.
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL") or None
    JOBS_REDIS_TIMEOUT_SECONDS = float(os.environ.get("JOBS_REDIS_TIMEOUT_SECONDS", "2"))
    JOBS_RETRY_INTERVALS = tuple(
        int(seconds) for seconds in os.environ.get("JOBS_RETRY_INTERVALS", "10,60,300").split(",")
    )
    JOBS_TIMEOUT_SECONDS = _env_int("JOBS_TIMEOUT_SECONDS", 300)
    # How often a worker looks for jobs whose worker died (RQ's default is
    # 600 s; a job is only seen abandoned ~90 s after its worker's last
    # heartbeat, so a worker restarted at once finds it on a later round).
    JOBS_MAINTENANCE_SECONDS = _env_int("JOBS_MAINTENANCE_SECONDS", 60)
    JOBS_RUN_AT_ONCE = False
    # The timetable (site_app/scheduler.py): scheduled posts published this
    # often (so within this many seconds of their time), the counts repaired
    # daily at this cron time (server time). Without JOBS_REDIS_URL the web
    # process runs it on a thread; with it, `flask worker` runs RQ's cron.
    PUBLISH_DUE_SECONDS = _env_int("PUBLISH_DUE_SECONDS", 60)
    REPAIR_COUNTS_CRON = os.environ.get("REPAIR_COUNTS_CRON", "30 3 * * *")
    SCHEDULER_IN_PROCESS = not JOBS_REDIS_URL
    # An account's archive up to this size (its posts' stored bytes and their
    # files) is streamed at once; a larger one is built by a job and mailed.
    EXPORT_INLINE_MAX_BYTES = _env_int("EXPORT_INLINE_MAX_BYTES", 50 * 1024 * 1024)
    # Archives one account may ask for (each reads all it holds).
    EXPORT_RATE_LIMIT = os.environ.get("EXPORT_RATE_LIMIT", "10 per hour")

    # Caching (Flask-Caching): SimpleCache in-process by default; set
    # CACHE_TYPE=RedisCache and CACHE_REDIS_URL to share it.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL") or None
    CACHE_DEFAULT_TIMEOUT = _env_int("CACHE_DEFAULT_TIMEOUT", 300)
    # SimpleCache (one process) holds at most this many bytes of pages, the
    # least recently used evicted first (site_app/cache_stores.py).
    CACHE_MAX_BYTES = _env_int("CACHE_MAX_BYTES", 64 * 1024 * 1024)
    # Redis (cache and rate limits): a healthy one answers in well under a
    # millisecond; one that does not answer in these is treated as away, and
    # the cache is probed again every CACHE_RETRY_SECONDS.
    REDIS_CONNECT_TIMEOUT_MS = _env_int("REDIS_CONNECT_TIMEOUT_MS", 50)
    REDIS_TIMEOUT_MS = _env_int("REDIS_TIMEOUT_MS", 200)
    CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS") or 1)
    # Anonymous pages: kept this long at most (invalidation is by generation,
    # this only bounds memory), and how long a CDN may serve one without
    # asking (0: it revalidates every time, so a change shows at once).
    PAGE_CACHE_TIMEOUT = _env_int("PAGE_CACHE_TIMEOUT", 3600)
    PAGE_CACHE_S_MAXAGE = _env_int("PAGE_CACHE_S_MAXAGE", 0)
    # /explore's "most followed overall" reads every account that follows
    # someone: computed once for all readers this often.
    EXPLORE_CACHE_SECONDS = _env_int("EXPLORE_CACHE_SECONDS", 600)
    # Views of posts are tallied in each process and written together at
    # most this often (a write per view cost a cached page a fifth of its
    # speed: BENCHMARKS.md, "View counting"); 0 writes each view at once.
    VIEW_COUNT_FLUSH_SECONDS = _env_int("VIEW_COUNT_FLUSH_SECONDS", 10)

    # Flask-Compress: pages, JSON and feeds in brotli or gzip. Behind a proxy
    # that compresses (nginx `gzip on`), set COMPRESS_REGISTER=0.
    COMPRESS_REGISTER = _env_bool("COMPRESS_REGISTER", True)
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html",
        "application/json",
        "application/atom+xml",
        "application/xml",
        "text/plain",
        "image/svg+xml",
    ]
    # Streams (GridFS files, Range answers) pass through untouched.
    COMPRESS_STREAMS = False

    BOOTSTRAP_SERVE_LOCAL = True
    # The language of pages for a reader who chose none and whose browser
    # asks for none the site has (site_app/i18n.py).
    DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "en")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Expose the per-request database operation count as a response header
    # (used by tests and the benchmark, never on in production).
    DB_OPS_HEADER = False

    HSTS = False
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # production pings the database at start and refuses to run when it does
    # not answer within MONGODB_SERVER_SELECTION_TIMEOUT_MS; set this to skip
    # the check (tests building a production app, a database started later).
    SKIP_DB_CHECK = _env_bool("SKIP_DB_CHECK", False)


# Development and testing without SITE_URL: the address `flask run` or
# `flask demo` serves (public_address.py), else where `make run` answers.
# Production must say its own.
LOCAL_SITE_URL = "http://127.0.0.1:5000"


class DevelopmentConfig(Config):
    # Where `flask demo` / `flask run` keep the embedded database between
    # runs (site_app/embedded_files.py); set empty to keep it in memory only.
    EMBEDDED_DATA_DIR = (
        os.environ.get("EMBEDDED_DATA_DIR", os.path.join(os.path.dirname(__file__), "instance")) or None
    )
    DEBUG = _env_bool("FLASK_DEBUG", False)
    DB_OPS_HEADER = True


class TestingConfig(Config):
    EMBEDDED_DATA_DIR = None  # tests stay in memory unless one asks (an override)
    TESTING = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Test accounts are all minutes old: the tests of the limits set them.
    NEW_ACCOUNT_DAILY_POSTS = 0
    NEW_ACCOUNT_DAILY_COMMENTS = 0
    JOBS_RUN_AT_ONCE = True
    SCHEDULER_IN_PROCESS = False  # tests run publish-due themselves
    VIEW_COUNT_FLUSH_SECONDS = 0  # tests read the counts at once
    MAIL_SUPPRESS_SEND = True
    SERVER_NAME = None
    SECRET_KEY = "testing-secret-key"
    DB_OPS_HEADER = True
    CACHE_TYPE = "NullCache"
    # Testing never talks to a real server unless a test asks for one.
    MONGODB_URI = os.environ.get("TEST_MONGODB_URI") or None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    TWO_FACTOR_REQUIRED_FOR_STAFF = _env_bool("TWO_FACTOR_REQUIRED_FOR_STAFF", True)
    PREFERRED_URL_SCHEME = "https"
    HSTS = True


config = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}
