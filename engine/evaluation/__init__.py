"""Evaluating the rules: a case in, an explained ranking out.

    ranking          CompiledRules: validate, match, score, order, explain (RankingResult)
    durable_adapter  the only module that knows durable_rules (what it relies on: docs/durable_rules.md)
    facts            the facts a case gives each scope of rules
    result           the ranking's models, as the CLI and the API print them
    library          every rules version in a folder, and the one in force on a date
    what_if          the fewest checklist changes that would have put a nominee first ("hva om")
    gc_pause         pausing the cyclic collector where the process is ours

Stands on engine.language; knows nothing of the policy tools.
"""
