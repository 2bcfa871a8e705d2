"""The `browser` marker: tests that load the written pages in headless Chromium."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: loads the written pages in headless Chromium (pytest -m browser)")
