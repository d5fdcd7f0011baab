"""Views for people: interactive pyvis pages, charts and the web app (built on graph/ and queries/).

pyvis and web dependencies are imported only inside this package.
"""
