"""Test doubles shared by every test suite: one clock, and fakes that subclass the real ports."""
