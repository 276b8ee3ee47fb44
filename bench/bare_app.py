"""The ceiling of the stack: a bare Flask app that answers "hello", served the same way."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
