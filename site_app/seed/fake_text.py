"""The words of the demo: titles, Markdown bodies, comments and usernames as
people write them. Pure functions of a ``random.Random`` and a Faker, so the
same seed gives the same text."""

import re
import unicodedata

import click

# Topics a small developer-and-hobbies blog community writes about. Mixed case
# and spacing on purpose: they go through ``normalise_tags`` like user input.
TAG_VOCABULARY = (
    "Python",
    "Flask",
    "MongoDB",
    "JavaScript",
    "TypeScript",
    "Rust",
    "Go",
    "Linux",
    "DevOps",
    "Docker",
    "Kubernetes",
    "Testing",
    "Security",
    "Performance",
    "Databases",
    "Web Development",
    "Open Source",
    "Machine Learning",
    "Data Science",
    "Career",
    "Remote Work",
    "Productivity",
    "Design",
    "UX",
    "Accessibility",
    "Writing",
    "Books",
    "Photography",
    "Travel",
    "Cooking",
    "Coffee",
    "Hiking",
    "Music",
    "Gardening",
    "Cycling",
)
TITLE_TEMPLATES = (
    "What I learned from a year of {topic}",
    "A gentle introduction to {topic}",
    "{n} things I wish I knew about {topic}",
    "Notes on {topic}",
    "Why I keep coming back to {topic}",
    "{topic}: a practical checklist",
    "Getting started with {topic} on a budget",
    "The quiet joy of {topic}",
    "How we use {topic} at work",
    "Is {topic} worth it in {year}?",
)
CODE_SNIPPETS = (
    (
        "python",
        'def slugify(title):\n    """Lower-case words joined by dashes."""\n'
        '    return "-".join(title.lower().split())\n\nprint(slugify("Hello World"))',
    ),
    (
        "python",
        "from collections import Counter\n\nwords = open('post.md').read().split()\n"
        "for word, count in Counter(words).most_common(5):\n    print(f'{word}: {count}')",
    ),
    (
        "javascript",
        "const posts = await fetch('/api/v1/posts/')\n  .then((r) => r.json());\nconsole.log(posts.count);",
    ),
    ("bash", "python -m venv .venv\nsource .venv/bin/activate\npip install -r requirements.txt"),
    ("sql", "SELECT author, COUNT(*) AS posts\nFROM posts\nGROUP BY author\nORDER BY posts DESC;"),
    ("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, world")\n}'),
)
COMMENT_OPENERS = (
    "Great write-up!",
    "Thanks for sharing.",
    "I disagree a little here.",
    "This matches my experience.",
    "Bookmarked.",
    "Interesting take.",
    "Nice one!",
    "Hmm, not sure about this.",
    "Very helpful, thank you.",
    "Could you expand on the second point?",
)
_USERNAME_RE = re.compile(r"[^a-z0-9_.]+")
_HONORIFICS = {"mr.", "mrs.", "ms.", "dr.", "md", "phd", "dds", "dvm", "jr.", "ii", "iii"}


def faker(rng_seed):
    try:
        from faker import Faker
    except ImportError:  # the production image installs requirements.txt only
        raise click.ClickException(
            "fake content needs Faker: pip install -r requirements-embedded.txt"
        ) from None

    fake = Faker("en_US")
    if rng_seed is not None:
        fake.seed_instance(rng_seed)
    return fake


def unique_username(name, rng, taken_keys):
    """``jane.doe``, ``jane_doe42``...: letters first, then letters, digits,
    dots and underscores, as the registration form accepts."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in _USERNAME_RE.sub(" ", ascii_name.lower()).split() if w not in _HONORIFICS]
    words = [w.strip(".") for w in words if w.strip(".")] or ["reader"]
    base = rng.choice([".", "_", ""]).join(words[:2])
    if not base[0].isalpha():
        base = "user" + base
    candidate = base[:40]
    while candidate in taken_keys:
        candidate = f"{base[:40]}{rng.randint(1, 9999)}"
    return candidate


def post_title(rng, tags, timestamp):
    topic = tags[0].replace("-", " ").title() if tags else rng.choice(TAG_VOCABULARY)
    return rng.choice(TITLE_TEMPLATES).format(topic=topic, n=rng.randint(3, 12), year=timestamp.year)


def post_body(fake, rng, images):
    """Markdown as people write it: an intro, a few sections with lists,
    links, code, quotes, sometimes a table, and the post's pictures
    (``(url, alt text)`` pairs)."""
    parts = [_paragraph(fake, rng)]
    blocks = [_bullet_list, _numbered_list, _code_block, _quote, _link_paragraph]
    for _ in range(rng.randint(1, 3)):
        parts.append("## " + fake.sentence(nb_words=rng.randint(2, 5)).rstrip("."))
        parts.append(_paragraph(fake, rng))
        parts.append(rng.choice(blocks)(fake, rng))
        if rng.random() < 0.12:
            parts.append(_table(fake, rng))
    for url, alt in images:
        parts.insert(rng.randint(1, len(parts)), f"![{alt}]({url})")
    parts.append(_paragraph(fake, rng))
    return "\n\n".join(parts)


def comment_body(fake, rng, is_reply_possible, usernames):
    roll = rng.random()
    if is_reply_possible and roll < 0.15:
        return f"@{rng.choice(usernames)} {fake.sentence()} {fake.sentence()}"
    if roll < 0.25:
        return f"{rng.choice(COMMENT_OPENERS)} Have you tried `{fake.word()}`? {fake.sentence()}"
    if roll < 0.3:
        return f"{fake.sentence()}\n\n> {fake.sentence()}\n\n**{fake.sentence(nb_words=3)}**"
    return f"{rng.choice(COMMENT_OPENERS)} {fake.paragraph(nb_sentences=rng.randint(1, 4))}"


def _paragraph(fake, rng):
    sentences = fake.sentences(nb=rng.randint(2, 5))
    decorate = rng.random()
    if decorate < 0.2:
        sentences[0] = f"**{sentences[0]}**"
    elif decorate < 0.35:
        sentences[-1] = f"*{sentences[-1]}*"
    elif decorate < 0.5:
        sentences.insert(1, f"Try `{fake.word()}_{fake.word()}()` for that.")
    return " ".join(sentences)


def _bullet_list(fake, rng):
    return "\n".join(f"- {fake.sentence(nb_words=rng.randint(3, 8))}" for _ in range(rng.randint(2, 5)))


def _numbered_list(fake, rng):
    return "\n".join(f"{i}. {fake.sentence(nb_words=rng.randint(3, 8))}" for i in range(1, rng.randint(3, 6)))


def _code_block(fake, rng):
    language, code = rng.choice(CODE_SNIPPETS)
    return f"```{language}\n{code}\n```"


def _quote(fake, rng):
    return "> " + fake.sentence(nb_words=rng.randint(8, 16))


def _link_paragraph(fake, rng):
    words = fake.words(nb=rng.randint(2, 4))
    return (
        f"{fake.sentence()} See [{' '.join(words)}](https://{fake.domain_name()}/"
        f"{'-'.join(words)}) for the details."
    )


def _table(fake, rng):
    rows = ["| Tool | Version | Verdict |", "| --- | ---: | --- |"]
    for _ in range(rng.randint(2, 4)):
        rows.append(
            f"| {fake.word().title()} | {rng.randint(1, 9)}.{rng.randint(0, 20)} "
            f"| {fake.sentence(nb_words=3).rstrip('.')} |"
        )
    return "\n".join(rows)
