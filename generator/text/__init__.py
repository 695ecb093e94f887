"""French text: formats, titles agreeing with the person, typography, and Jinja filters."""
