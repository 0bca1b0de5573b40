"""Seed articles as plain data: verbatim texts, sentence maps, expert keys, competing accounts."""

from .accounts import Account, load_accounts
from .article import Article, SeedError, Unit, list_articles, load_article
from .edition import edition
from .key import Key, load_key, load_lesson_key, load_schema
from .validation import Problem, validate_article_dir

__all__ = [
    "Account",
    "Article",
    "Key",
    "Problem",
    "SeedError",
    "Unit",
    "edition",
    "list_articles",
    "load_accounts",
    "load_article",
    "load_key",
    "load_lesson_key",
    "load_schema",
    "validate_article_dir",
]
