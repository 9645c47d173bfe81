"""The example app: reads the same .env as the tools, with python-dotenv, and shows what it got.

Secrets (keys ending in TOKEN, KEY or SECRET) are shown as a SHA-256 digest, never in clear.
"""
import hashlib
import json
import os

from dotenv import dotenv_values


def shown(key, value):
    if value is not None and key.endswith(("TOKEN", "KEY", "SECRET")):
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    return value


values = dotenv_values(".env")
print(json.dumps({
    "dotenv": {k: shown(k, v) for k, v in values.items()},
    "environ": {k: shown(k, os.environ.get(k)) for k in values},
    "venv": os.environ.get("VIRTUAL_ENV"),
}, indent=2, sort_keys=True))
