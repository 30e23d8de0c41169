"""Parsing delivery plans: ``dispatch`` tells the layout and calls ``tabular`` (ref-numbered
tables) or ``commitment`` (the OCR'd three-column layout); ``common`` holds what both share.

Nothing is imported here, so that importing one module of the package never imports the rest
(and no import loop can form through this file).
"""
