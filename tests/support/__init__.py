"""Helpers the tests share: AppTest sign-in and template databases, browser-test seeding."""
