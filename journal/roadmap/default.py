"""The default roadmap every new account starts from: the Python backend developer roadmap.

Stages, topics and pace follow the roadmap in the project's design notes; the
descriptions are the product's own words. ``weeks`` is None for open-ended stages.
"""

from __future__ import annotations

from typing import TypedDict


class DefaultStage(TypedDict):
    name: str
    color: str
    weeks: int | None
    description: str
    topics: list[str]


DEFAULT_ROADMAP: list[DefaultStage] = [
    {
        "name": "Python fundamentals",
        "color": "#3b82f6",
        "weeks": 4,
        "description": "The language itself and how the web talks. "
        "Give it four to six weeks if you are starting from zero.",
        "topics": [
            "Variables and data types",
            "Conditionals and loops",
            "Functions",
            "OOP: classes, inheritance, encapsulation",
            "List comprehensions and generators",
            "Error handling (try/except)",
            "File I/O",
            "Standard library: os, sys, datetime, json, re",
            "How the web works: HTTP request and response",
            "HTTP methods: GET, POST, PUT, PATCH, DELETE",
            "Status codes (200, 404, 500 …)",
        ],
    },
    {
        "name": "Databases and SQL",
        "color": "#10b981",
        "weeks": 4,
        "description": "Storing data well: relational design first, then the ORMs and stores "
        "built on top of it.",
        "topics": [
            "PostgreSQL",
            "SELECT, INSERT, UPDATE, DELETE",
            "JOINs",
            "Indexes",
            "Foreign keys",
            "Transactions",
            "Schema design",
            "ORMs: Django ORM and SQLAlchemy",
            "Models and migrations",
            "NoSQL: MongoDB",
            "Redis for caching, sessions and rate limiting",
        ],
    },
    {
        "name": "Web frameworks",
        "color": "#f59e0b",
        "weeks": 6,
        "description": "Build real applications with a framework, and ship small projects "
        "along the way.",
        "topics": [
            "Django: ORM, admin, authentication, forms, templates",
            "Django's Model-Template-View architecture",
            "Project: a blog",
            "Project: a small shop",
            "Project: a task manager",
            "Flask as an alternative",
            "FastAPI: validation, type hints, async",
        ],
    },
    {
        "name": "APIs, authentication and security",
        "color": "#ef4444",
        "weeks": 6,
        "description": "Design APIs others can rely on, and keep them and their users safe.",
        "topics": [
            "REST API design: URL naming, consistent responses",
            "Status codes and error messages",
            "JWT",
            "OAuth 2.0",
            "SQL injection",
            "CSRF",
            "XSS",
            "A complete API project with authentication",
        ],
    },
    {
        "name": "DevOps and deployment",
        "color": "#8b5cf6",
        "weeks": 4,
        "description": "Get code from your machine to a server, repeatably.",
        "topics": [
            "Linux command line",
            "Git and GitHub",
            "Docker",
            "CI/CD pipelines",
            "Cloud platforms: AWS, Google Cloud, Azure",
            "Deploy one application to the cloud",
        ],
    },
    {
        "name": "Beyond the basics",
        "color": "#ec4899",
        "weeks": None,
        "description": "From about month six on: the tools and ideas of production systems.",
        "topics": [
            "Testing with pytest",
            "Redis",
            "Message queues: Celery, RabbitMQ",
            "System design basics",
        ],
    },
    {
        "name": "Projects and portfolio",
        "color": "#14b8a6",
        "weeks": None,
        "description": "Ongoing: the work that shows what you can do. Tick each one off with "
        "a link to it.",
        "topics": [
            "Build your own projects",
            "Contribute to open source",
            "Read production codebases",
            "A REST API with authentication",
            "A full Django app with a database",
            "A project deployed at a public URL",
            "A project that solves a real problem",
            "Tests, Docker and a CI/CD pipeline in one project",
        ],
    },
]
